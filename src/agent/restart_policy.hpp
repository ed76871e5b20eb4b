// A container's restartPolicy and the decision whether an exited container is restarted in place,
// as the ECS agent makes it (ecs-agent/api/container/restart/restart_tracker.go). Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::agent {

// ECS's default restartAttemptPeriod, in seconds.
inline constexpr int k_default_restart_attempt_period_s = 300;

struct RestartPolicy {
  bool enabled = false;
  std::vector<int> ignored_exit_codes;
  int attempt_period_s = k_default_restart_attempt_period_s;
};

// The restartPolicy of `container_definition` (a containerDefinitions entry); disabled when it
// has none. Stored definitions are not trusted to hold what the API let in: a member of the wrong
// type reads as absent (an `enabled` that is not `true` disables the policy).
RestartPolicy restart_policy_of(const model::Json& container_definition);

// What the decision looks at besides the policy: the container's exit and its history.
struct ExitedContainer {
  std::optional<int> exit_code;          // none when its monitor vanished
  EpochMs exited_at = 0;                 // when it exited (or was seen gone)
  EpochMs started_at = 0;                // its first start
  std::optional<EpochMs> last_restarted_at;
  bool task_stopping = false;            // the task's desired status is STOPPED
};

struct RestartDecision {
  bool restart = false;
  std::string reason;  // why not, when not
};

// Whether `exited` is restarted under `policy`: only if the policy is enabled, the task is not
// stopping, the exit code is known and not ignored, and the container ran for the attempt period
// since its last restart (else its start) when it exited. `period_override_s` (the gateway's
// BERTH_RESTART_ATTEMPT_PERIOD_SECONDS) replaces the policy's period when set.
RestartDecision should_restart(const RestartPolicy& policy, const ExitedContainer& exited,
                               std::optional<int> period_override_s);

}  // namespace berth::agent
