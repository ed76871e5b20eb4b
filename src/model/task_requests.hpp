// Typed requests and replies of the task actions (RunTask, StartTask, StopTask, DescribeTasks,
// ListTasks): decoders validated once with ECS's errors (what needs the store — the cluster, the
// definition, instances, task ids — the use cases check), and encoders. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/capacity_provider_strategy.hpp"
#include "model/cluster_snapshot.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"
#include "model/task.hpp"
#include "model/task_tagging.hpp"

namespace berth::model {

// What RunTask and StartTask share: which definition to run where, and how.
struct TaskLaunch {
  std::optional<std::string> cluster;  // name or ARN; nothing = the default cluster
  std::string task_definition;         // family, family:revision or ARN, as given
  std::string group;                   // at most 255 characters; "" = "family:<family>"
  std::string started_by;              // at most 128 characters
  Json overrides = Json::object();     // task cpu and memory normalised; container names are
                                       // checked against the definition by the use case
  std::vector<PlacementConstraint> placement_constraints;  // besides the definition's
  std::vector<PlacementStrategy> placement_strategy;
  std::vector<Tag> tags;
  LaunchCapacity capacity;  // RunTask's; StartTask's shape has neither member
  TaskTagging tagging;  // propagateTags TASK_DEFINITION or NONE, enableECSManagedTags
  bool enable_execute_command = false;
};

struct RunTaskRequest {
  TaskLaunch launch;
  int count = 1;  // 1 to 10 (the shape's)
};

struct StartTaskRequest {
  TaskLaunch launch;
  std::vector<std::string> container_instances;  // 1 to 10 ids or ARNs
};

struct StopTaskRequest {
  std::optional<std::string> cluster;
  std::string task;                               // id or ARN
  std::string reason = "Task stopped by the user";  // at most 1024 characters
};

struct DescribeTasksRequest {
  std::optional<std::string> cluster;
  std::vector<std::string> tasks;  // ids or ARNs, at most 100
  bool with_tags = false;
};

struct ListTasksRequest {
  std::optional<std::string> cluster;
  std::optional<std::string> container_instance;  // id or ARN
  std::optional<std::string> family;
  std::optional<std::string> started_by;
  std::optional<std::string> service_name;
  TaskStatus desired_status = TaskStatus::running;  // RUNNING, PENDING or STOPPED
  PageRequest page;
};

// A task as a reply shows it.
struct TaskDescription {
  Task task;
  std::optional<std::vector<Tag>> tags;  // present when the reply carries them
};

// {"tasks": [...], "failures": [...]}: RunTask's, StartTask's and DescribeTasks' reply.
struct TasksReply {
  std::vector<TaskDescription> tasks;
  std::vector<Failure> failures;
};

// {"task": ...}: StopTask's reply.
struct TaskReply {
  Task task;
};

// Decoders. Errors: InvalidParameterException for labels, reasons, list sizes, tags or a
// nextToken ECS refuses; ClientException for an override's task cpu or memory, an override the
// field table refuses (model/task_definition_fields.hpp) or a launch setting below.
[[nodiscard]] Result<RunTaskRequest> decode_run_task(const Json& body);

// Returns ClientException, naming the member, for the launch settings of RunTask, StartTask,
// CreateService and UpdateService that a gateway can never provide: launchType MANAGED_INSTANCES,
// volumeConfigurations (EBS); before those,
// InvalidParameterException for what read_launch_capacity refuses (launchType FARGATE among them).
[[nodiscard]] Result<void> check_launch_settings(const Json& body);
[[nodiscard]] Result<StartTaskRequest> decode_start_task(const Json& body);
[[nodiscard]] Result<StopTaskRequest> decode_stop_task(const Json& body);
[[nodiscard]] Result<DescribeTasksRequest> decode_describe_tasks(const Json& body);
[[nodiscard]] Result<ListTasksRequest> decode_list_tasks(const Json& body);

// Encoders.
Json encode_tasks_reply(const TasksReply& reply, const ArnScope& arns);
Json encode_task_reply(const TaskReply& reply, const ArnScope& arns);
Json encode_list_tasks(const Page& page);

}  // namespace berth::model
