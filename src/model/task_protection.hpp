// Task scale-in protection (UpdateTaskProtection, GetTaskProtection): a service's task protected
// until some time is not stopped by the service's scale-in or a deployment's. The time is stored
// as set and compared with the clock wherever it is used, so protection lapses without a write.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "common/clock.hpp"

namespace berth::model {

// ECS's limits: protection lasts 2 h unless told otherwise, 1 min to 48 h; UpdateTaskProtection
// takes up to 10 tasks, GetTaskProtection up to 100.
inline constexpr int k_default_protection_minutes = 120;
inline constexpr int k_min_protection_minutes = 1;
inline constexpr int k_max_protection_minutes = 2880;
inline constexpr std::size_t k_max_tasks_to_protect = 10;
inline constexpr std::size_t k_max_protection_reads = 100;

// Returns whether protection set to last until `until` (nothing: never set, or removed) still
// holds at `now`.
constexpr bool protection_holds(std::optional<EpochMs> until, EpochMs now) { return until && *until > now; }

// What decides a task's protection: its service (by its group) and whether it is stopping.
struct TaskProtection {
  std::string task_id;
  std::string group;     // "service:<name>" for a service's task
  bool stopped = false;  // desired or last status STOPPED: nothing can scale it in any more
  std::optional<EpochMs> protected_until;

  // Whether it is protected at `now`: a stopped task is protected from nothing.
  bool enabled_at(EpochMs now) const { return !stopped && protection_holds(protected_until, now); }
};

// A task whose protection cannot change, and why, as ECS's failures[] say it.
struct ProtectionRefusal {
  std::string reason;  // "TASK_NOT_VALID"
  std::string detail;
};

// Returns why `task`'s protection cannot be set or removed, or nothing when it can: only a
// service's tasks that are not stopped take protection (ECS: TASK_NOT_VALID for a standalone task).
std::optional<ProtectionRefusal> protection_refusal(const TaskProtection& task);

}  // namespace berth::model
