#include "model/target_health.hpp"

namespace berth::model {

std::string_view target_state_name(TargetState state) {
  switch (state) {
    case TargetState::initial: return "initial";
    case TargetState::healthy: return "healthy";
    case TargetState::unhealthy: return "unhealthy";
    case TargetState::unavailable: return "unavailable";
    case TargetState::draining: return "draining";
  }
  return "unavailable";
}

TargetHealth new_target_health(const HealthCheck& check, EpochMs now) {
  TargetHealth health;
  health.state = check.enabled ? TargetState::initial : TargetState::unavailable;
  health.next_check_at = now;
  return health;
}

void record_check(TargetHealth& health, const HealthCheck& check, EpochMs now, const std::string& failure) {
  health.next_check_at = now + EpochMs{check.interval_seconds} * 1000;
  if (health.state == TargetState::draining || !check.enabled) return;
  if (failure.empty()) {
    health.failures = 0;
    ++health.passes;
    if (health.passes >= check.healthy_threshold) health.state = TargetState::healthy;
    return;
  }
  health.passes = 0;
  ++health.failures;
  health.last_failure = failure;
  // A target never seen healthy stays initial until it fails as many times as a healthy one
  // would need to: ELB reports it unhealthy then, too.
  if (health.failures >= check.unhealthy_threshold) health.state = TargetState::unhealthy;
}

HealthReason health_reason(const TargetHealth& health, const HealthCheck& check) {
  switch (health.state) {
    case TargetState::healthy: return {};
    case TargetState::initial:
      return {"Elb.InitialHealthChecking", "Initial health checks in progress"};
    case TargetState::draining:
      return {"Target.DeregistrationInProgress", "Target deregistration is in progress"};
    case TargetState::unavailable:
      return {"Target.HealthCheckDisabled", "Health checks disabled"};
    case TargetState::unhealthy:
      if (check.protocol == "HTTP" && health.last_failure.starts_with("HTTP ")) {
        return {"Target.ResponseCodeMismatch", "Health checks failed with these codes: [" +
                                                   health.last_failure.substr(5) + "]"};
      }
      if (health.last_failure == "timed out") return {"Target.Timeout", "Request timed out"};
      return {"Target.FailedHealthChecks", "Health checks failed: " + health.last_failure};
  }
  return {};
}

}  // namespace berth::model
