#include "sched/target_tracking.hpp"

#include <cmath>

namespace berth::sched {
namespace {

// The newest value when the newest `count` values each pass `beyond`. As a CloudWatch alarm
// looks back past periods without data, those are skipped, within the last
// k_missing_data_lookback × `count` periods; fewer values than `count` there fire nothing.
template <class Beyond>
std::optional<double> alarm_value(const std::vector<std::optional<double>>& periods, int count, Beyond beyond) {
  if (count <= 0) return std::nullopt;
  const std::size_t window = std::min(periods.size(), static_cast<std::size_t>(count) * k_missing_data_lookback);
  int seen = 0;
  std::optional<double> newest;
  for (auto it = periods.rbegin(); it != periods.rbegin() + static_cast<std::ptrdiff_t>(window) && seen < count; ++it) {
    if (!*it || !std::isfinite(**it)) continue;
    if (!beyond(**it)) return std::nullopt;
    if (!newest) newest = **it;
    ++seen;
  }
  return seen == count ? newest : std::nullopt;
}

// ceil(base × metric ÷ target) without overflowing int on absurd metrics.
int proportional_capacity(int base, double metric, double target) {
  const double wanted = std::ceil(static_cast<double>(base) * metric / target);
  if (wanted >= 1e9) return 1'000'000'000;
  if (wanted <= 0) return 0;
  return static_cast<int>(wanted);
}

}  // namespace

std::optional<ScalingDecision> target_tracking_decision(const std::vector<TargetTrackingPolicy>& policies,
                                                        const Capacity& capacity, const ScalingHistory& history,
                                                        const ScalingAllowed& allowed, std::int64_t now_ms) {
  std::vector<ScalingDecision> outs, ins;
  bool scale_in_agreed = allowed.scale_in;
  bool any_may_scale_in = false;
  for (const auto& policy : policies) {
    if (!(policy.target_value > 0)) continue;  // refused by PutScalingPolicy; never divide by it
    const double target = policy.target_value;
    if (allowed.scale_out && !scale_out_held(history, policy.scale_out_cooldown_ms, now_ms)) {
      if (auto high = alarm_value(policy.periods, k_scale_out_periods, [&](double v) { return v > target; })) {
        const int base = scale_out_base(capacity, history, policy.scale_out_cooldown_ms, now_ms);
        const int desired = clamp_capacity(proportional_capacity(base, *high, target), capacity);
        if (desired > capacity.current) {
          outs.push_back({desired, ScalingDirection::out, policy.name, "AlarmHigh", *high, target});
        }
      }
    }
    if (policy.disable_scale_in) continue;
    any_may_scale_in = true;
    const double low_threshold = target * k_scale_in_ratio;
    auto low = alarm_value(policy.periods, k_scale_in_periods, [&](double v) { return v < low_threshold; });
    if (!low || scale_in_cooling_down(history, policy.scale_in_cooldown_ms, policy.scale_out_cooldown_ms, now_ms)) {
      scale_in_agreed = false;
      continue;
    }
    const int desired = clamp_capacity(proportional_capacity(capacity.current, *low, target), capacity);
    if (desired >= capacity.current) {
      scale_in_agreed = false;
      continue;
    }
    ins.push_back({desired, ScalingDirection::in, policy.name, "AlarmLow", *low, low_threshold});
  }
  return combine_decisions(outs, ins, scale_in_agreed && any_may_scale_in);
}

}  // namespace berth::sched
