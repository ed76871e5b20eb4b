#include "model/task_tagging.hpp"

#include <algorithm>


namespace berth::model {

TaskTagging TaskTaggingChange::applied_to(TaskTagging tagging) const {
  if (propagate) tagging.propagate = *propagate;
  if (managed_tags) tagging.managed_tags = *managed_tags;
  return tagging;
}

Result<TaskTaggingChange> read_task_tagging(const Json& body, TaskStarter starter) {
  TaskTaggingChange out;
  if (const auto it = body.find("propagateTags"); it != body.end() && !it->is_null()) {
    const auto propagate = it->is_string() ? from_wire<PropagateTags>(it->get<std::string>()) : std::nullopt;
    if (!propagate) return fail(Code::invalid_parameter, "propagateTags must be TASK_DEFINITION, SERVICE or NONE.");
    if (*propagate == PropagateTags::service && starter == TaskStarter::request) {
      return fail(Code::invalid_parameter,
                  "propagateTags SERVICE applies to a service's tasks; a task started by RunTask or StartTask can "
                  "take its task definition's tags (TASK_DEFINITION).");
    }
    out.propagate = *propagate;
  }
  if (const auto it = body.find("enableECSManagedTags"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return fail(Code::invalid_parameter, "enableECSManagedTags must be true or false.");
    out.managed_tags = it->get<bool>();
  }
  return out;
}

std::vector<Tag> task_tags(const TaskTagging& tagging, const TaskTagSources& sources) {
  std::vector<Tag> out;
  const auto put = [&out](const Tag& tag) {
    const auto same = std::find_if(out.begin(), out.end(), [&](const Tag& t) { return t.key == tag.key; });
    if (same == out.end()) {
      out.push_back(tag);
    } else {
      same->value = tag.value;
    }
  };
  if (tagging.managed_tags) {
    put({"aws:ecs:clusterName", sources.cluster});
    if (!sources.service.empty()) put({"aws:ecs:serviceName", sources.service});
  }
  if (tagging.propagate == PropagateTags::task_definition) {
    for (const auto& tag : sources.definition_tags) put(tag);
  } else if (tagging.propagate == PropagateTags::service) {
    for (const auto& tag : sources.service_tags) put(tag);
  }
  for (const auto& tag : sources.own_tags) put(tag);
  return out;
}

}  // namespace berth::model
