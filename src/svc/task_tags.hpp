// The tags a new task gets (model/task_tagging.hpp), read from the store: its definition's tags
// for propagateTags TASK_DEFINITION, its service's for SERVICE. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/task_definition.hpp"
#include "model/task_tagging.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// The key the store keeps `definition`'s tags under ("task-definition/family:3").
std::string definition_tag_key(const model::TaskDefinition& definition);

// The tags of a task RunTask or StartTask starts on `cluster` from `definition`, given the
// request's `tagging` and own `tags`.
[[nodiscard]] Result<std::vector<model::Tag>> launched_task_tags(Context& ctx, const std::string& cluster,
                                                                 const model::TaskDefinition& definition,
                                                                 const model::TaskTagging& tagging,
                                                                 const std::vector<model::Tag>& tags);

// The tags of a task the service `name` of `cluster` starts from `definition`, by the service's
// tagging and its tags as they are now; none when the service is gone.
[[nodiscard]] Result<std::vector<model::Tag>> service_task_tags(Context& ctx, const std::string& cluster,
                                                                const std::string& name,
                                                                const model::TaskDefinition& definition);

}  // namespace berth::svc
