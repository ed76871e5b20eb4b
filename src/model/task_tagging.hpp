// Which tags a new task gets: ECS's propagateTags (the task definition's or the service's tags
// copied onto the task) and enableECSManagedTags (aws:ecs:clusterName, and aws:ecs:serviceName for
// a service's tasks), besides the tags the request gives. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

enum class PropagateTags { none, task_definition, service };
template <>
struct WireNames<PropagateTags> {
  static constexpr std::array<std::string_view, 3> names = {"NONE", "TASK_DEFINITION", "SERVICE"};
};

struct TaskTagging {
  PropagateTags propagate = PropagateTags::none;
  bool managed_tags = false;  // enableECSManagedTags
  bool operator==(const TaskTagging&) const = default;
};

// Who starts the task: RunTask and StartTask cannot propagate a service's tags.
enum class TaskStarter { request, service };

// What a request says of a task's tagging; a member it does not give stays as it was.
struct TaskTaggingChange {
  std::optional<PropagateTags> propagate;
  std::optional<bool> managed_tags;
  TaskTagging applied_to(TaskTagging tagging) const;
};

// Reads propagateTags and enableECSManagedTags of a shape-checked RunTask, StartTask,
// CreateService or UpdateService body. InvalidParameterException for propagateTags SERVICE on a
// task not started by a service, as ECS answers.
[[nodiscard]] Result<TaskTaggingChange> read_task_tagging(const Json& body, TaskStarter starter);

// What a new task's tags come from. `service` is empty for RunTask and StartTask.
struct TaskTagSources {
  std::string cluster;
  std::string service;
  std::vector<Tag> definition_tags;
  std::vector<Tag> service_tags;
  std::vector<Tag> own_tags;  // the request's
};

// The tags of a new task: the managed tags first (when asked for), then the propagated ones, then
// its own; a later source's value wins for a key an earlier one has, as the request names the
// task's tags most directly.
std::vector<Tag> task_tags(const TaskTagging& tagging, const TaskTagSources& sources);

}  // namespace berth::model
