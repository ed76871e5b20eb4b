// ELBv2's target health state machine: a registered target is `initial` until
// HealthyThresholdCount checks in a row pass (then `healthy`); a healthy one becomes `unhealthy`
// after UnhealthyThresholdCount failures in a row and comes back after HealthyThresholdCount
// passes. A target whose group has its health check disabled is `unavailable` to checks and
// takes traffic. Checks are due every HealthCheckIntervalSeconds. Pure (time is a parameter).
#pragma once

#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "model/elb.hpp"

namespace berth::model {

enum class TargetState { initial, healthy, unhealthy, unavailable, draining };
std::string_view target_state_name(TargetState state);  // ELBv2's TargetHealthStateEnum

struct TargetHealth {
  TargetState state = TargetState::initial;
  int passes = 0;    // in a row
  int failures = 0;  // in a row
  EpochMs next_check_at = 0;
  std::string last_failure;  // what the last failed check saw ("connection refused", "HTTP 404")
};

// A target registered at `now`: initial (unavailable with checks disabled), first check due now.
TargetHealth new_target_health(const HealthCheck& check, EpochMs now);

// Whether a check of this target is due at `now`.
inline bool check_due(const TargetHealth& health, EpochMs now) { return now >= health.next_check_at; }

// Records one check's outcome at `now` (`failure` empty = it passed) and schedules the next.
void record_check(TargetHealth& health, const HealthCheck& check, EpochMs now, const std::string& failure);

// ELBv2's Reason and Description for DescribeTargetHealth ("" reason when healthy).
struct HealthReason {
  std::string reason, description;
};
HealthReason health_reason(const TargetHealth& health, const HealthCheck& check);

}  // namespace berth::model
