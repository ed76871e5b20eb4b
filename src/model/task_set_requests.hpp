// Typed requests and replies of the task set actions (CreateTaskSet, DescribeTaskSets,
// UpdateTaskSet, DeleteTaskSet, UpdateServicePrimaryTaskSet) and their request shapes: decoders
// from the shape-checked body, validated once with ECS's errors, and encoders to the wire.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/capacity_provider_strategy.hpp"
#include "model/failure.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"
#include "model/task_set.hpp"
#include "model/task_set_json.hpp"

namespace berth::model {

namespace request_shapes {
extern const Shape& create_task_set;
extern const Shape& describe_task_sets;
extern const Shape& update_task_set;
extern const Shape& delete_task_set;
extern const Shape& update_service_primary_task_set;
}  // namespace request_shapes

// loadBalancers and serviceRegistries are kept and returned, not acted on (a gateway has no load
// balancers or Cloud Map); networkConfiguration and platformVersion are accepted and not used.
struct CreateTaskSetRequest {
  std::string cluster;          // name or ARN
  std::string service;          // name or ARN
  std::string task_definition;  // a reference, resolved by the use case
  std::string external_id;
  double scale_percent = 100.0;  // 0 to 100
  LaunchCapacity capacity;       // launchType and capacityProviderStrategy as given
  LaunchType launch_type = LaunchType::ec2;  // the launchType given, if any
  Json load_balancers = Json::array();
  Json service_registries = Json::array();
  std::vector<Tag> tags;
};

struct DescribeTaskSetsRequest {
  std::string cluster;
  std::string service;
  std::optional<std::vector<std::string>> task_sets;  // ids or ARNs; nothing = every task set
  bool with_tags = false;
};

struct UpdateTaskSetRequest {
  std::string cluster;
  std::string service;
  std::string task_set;  // id or ARN
  double scale_percent = 0;
};

struct DeleteTaskSetRequest {
  std::string cluster;
  std::string service;
  std::string task_set;
  bool force = false;  // delete although it still asks for tasks
};

struct UpdateServicePrimaryTaskSetRequest {
  std::string cluster;
  std::string service;
  std::string primary_task_set;
};

// A task set as a reply shows it.
struct TaskSetDescription {
  TaskSet set;
  std::optional<std::vector<Tag>> tags;  // present when asked for
};

// {"taskSet": ...}: the reply of every action but DescribeTaskSets.
struct TaskSetReply {
  TaskSetOwner owner;
  TaskSetDescription task_set;
};

struct DescribeTaskSetsReply {
  TaskSetOwner owner;
  std::vector<TaskSetDescription> task_sets;
  std::vector<Failure> failures;
};

// Decoders of shape-checked bodies. Errors: InvalidParameterException for a scale outside 0–100
// or without its value, a bad tag, or more task sets than a service holds.
[[nodiscard]] Result<CreateTaskSetRequest> decode_create_task_set(const Json& body);
[[nodiscard]] Result<DescribeTaskSetsRequest> decode_describe_task_sets(const Json& body);
[[nodiscard]] Result<UpdateTaskSetRequest> decode_update_task_set(const Json& body);
[[nodiscard]] Result<DeleteTaskSetRequest> decode_delete_task_set(const Json& body);
[[nodiscard]] Result<UpdateServicePrimaryTaskSetRequest> decode_update_service_primary_task_set(const Json& body);

Json encode_task_set_reply(const TaskSetReply& reply, const ArnScope& arns);
Json encode_describe_task_sets(const DescribeTaskSetsReply& reply, const ArnScope& arns);

}  // namespace berth::model
