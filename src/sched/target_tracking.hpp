// Target tracking scaling as Application Auto Scaling runs it for ECS services, without
// CloudWatch: the two alarms it would create are evaluated here on the metric's periods. Scale out
// fast: the high alarm fires after k_scale_out_periods consecutive periods above the target.
// Scale in slowly: the low alarm fires after k_scale_in_periods consecutive periods below
// k_scale_in_ratio of the target (periods without data are skipped, within a bounded look-back).
// The new capacity is ceil(current × metric ÷ target), within
// MinCapacity and MaxCapacity. A period is the metric store's resolution. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sched/scaling_decision.hpp"

namespace berth::sched {

inline constexpr int k_scale_out_periods = 3;
inline constexpr int k_scale_in_periods = 15;
inline constexpr double k_scale_in_ratio = 0.9;
inline constexpr std::int64_t k_default_cooldown_ms = 300'000;
// How far an alarm looks back past periods without data: this many times its periods.
inline constexpr std::size_t k_missing_data_lookback = 2;

struct TargetTrackingPolicy {
  std::string name;
  double target_value = 0;  // > 0
  std::int64_t scale_out_cooldown_ms = k_default_cooldown_ms;
  std::int64_t scale_in_cooldown_ms = k_default_cooldown_ms;
  bool disable_scale_in = false;
  // The metric in the latest complete periods (k_missing_data_lookback × k_scale_in_periods of
  // them are looked at), oldest first; nothing for a period without data, which the alarms skip.
  std::vector<std::optional<double>> periods;
};

// Returns what the policies decide together at `now_ms`: a scale-out if any policy's high alarm
// fires (the largest one asked for); a scale-in only if every policy that may scale in (scale-in
// not disabled) has its low alarm firing (the smallest reduction); nothing otherwise, or when the
// decision would not change the capacity. `allowed` holds a direction back entirely.
std::optional<ScalingDecision> target_tracking_decision(const std::vector<TargetTrackingPolicy>& policies,
                                                        const Capacity& capacity, const ScalingHistory& history,
                                                        const ScalingAllowed& allowed, std::int64_t now_ms);

}  // namespace berth::sched
