#include "model/task_protection.hpp"

namespace berth::model {

std::optional<ProtectionRefusal> protection_refusal(const TaskProtection& task) {
  if (!task.group.starts_with("service:")) {
    return ProtectionRefusal{"TASK_NOT_VALID", "The task is not part of a service: only a service's tasks can be "
                                               "protected from scale-in."};
  }
  if (task.stopped) return ProtectionRefusal{"TASK_NOT_VALID", "The task is stopped or stopping."};
  return std::nullopt;
}

}  // namespace berth::model
