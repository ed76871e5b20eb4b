#include "agent/restart_policy.hpp"

#include <algorithm>
#include <limits>

namespace berth::agent {

using model::Json;

RestartPolicy restart_policy_of(const Json& container_definition) {
  RestartPolicy policy;
  if (!container_definition.is_object()) return policy;
  const auto it = container_definition.find("restartPolicy");
  if (it == container_definition.end() || !it->is_object()) return policy;
  const Json& rp = *it;
  policy.enabled = rp.value("enabled", Json()).is_boolean() && rp["enabled"].get<bool>();
  if (const auto codes = rp.find("ignoredExitCodes"); codes != rp.end() && codes->is_array()) {
    for (const auto& code : *codes) {
      if (code.is_number_integer()) policy.ignored_exit_codes.push_back(code.get<int>());
    }
  }
  if (const auto period = rp.find("restartAttemptPeriod"); period != rp.end() && period->is_number_integer()) {
    const long long seconds = period->get<long long>();
    if (seconds >= 0 && seconds <= std::numeric_limits<int>::max()) policy.attempt_period_s = static_cast<int>(seconds);
  }
  return policy;
}

RestartDecision should_restart(const RestartPolicy& policy, const ExitedContainer& exited,
                               std::optional<int> period_override_s) {
  if (!policy.enabled) return {false, "restart policy is not enabled"};
  if (exited.task_stopping) return {false, "the task is stopping"};
  if (!exited.exit_code) return {false, "its exit code is unknown"};
  const auto& ignored = policy.ignored_exit_codes;
  if (std::find(ignored.begin(), ignored.end(), *exited.exit_code) != ignored.end()) {
    return {false, "exit code " + std::to_string(*exited.exit_code) + " is ignored by its restart policy"};
  }
  // ECS judges at the moment the exit is seen, which for it is when the container exits. The exit
  // time is what berth measures to, so an exit found after berth was down counts the run it had,
  // not the time berth was away.
  const EpochMs since = exited.last_restarted_at.value_or(exited.started_at);
  const long long period_ms = static_cast<long long>(period_override_s.value_or(policy.attempt_period_s)) * 1000;
  if (exited.exited_at - since < period_ms) {
    return {false, "it ran for less than its restartAttemptPeriod (" + std::to_string(period_ms / 1000) + " s)"};
  }
  return {true, {}};
}

}  // namespace berth::agent
