#include "sched/step_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace berth::sched {
namespace {

constexpr double k_infinity = std::numeric_limits<double>::infinity();

double lower_of(const StepAdjustment& s) { return s.lower_bound.value_or(-k_infinity); }
double upper_of(const StepAdjustment& s) { return s.upper_bound.value_or(k_infinity); }

// A percentage of the capacity as Application Auto Scaling rounds it: toward zero, but never
// to zero (0.5 → 1, -0.5 → -1, 12.7 → 12, -6.67 → -6).
int rounded_percent_change(int base, int percent) {
  const double change = static_cast<double>(base) * percent / 100.0;
  if (change > 0 && change < 1) return 1;
  if (change < 0 && change > -1) return -1;
  return static_cast<int>(std::trunc(std::clamp(change, -1e9, 1e9)));
}

}  // namespace

Result<void> check_step_adjustments(const std::vector<StepAdjustment>& steps) {
  if (steps.empty()) return fail(Code::validation, "StepAdjustments must contain at least one step adjustment.");
  std::vector<StepAdjustment> sorted = steps;
  for (const auto& s : sorted) {
    if (!s.lower_bound && !s.upper_bound) {
      return fail(Code::validation, "A step adjustment needs MetricIntervalLowerBound or MetricIntervalUpperBound.");
    }
    if (lower_of(s) >= upper_of(s)) {
      return fail(Code::validation, "MetricIntervalLowerBound must be less than MetricIntervalUpperBound.");
    }
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return lower_of(a) < lower_of(b); });
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    if (upper_of(sorted[i]) > lower_of(sorted[i + 1])) return fail(Code::validation, "Step adjustments overlap.");
    if (upper_of(sorted[i]) < lower_of(sorted[i + 1])) {
      return fail(Code::validation, "Step adjustments must not have gaps between their intervals.");
    }
  }
  return {};
}

std::optional<StepAdjustment> step_for(const std::vector<StepAdjustment>& steps, double breach) {
  for (const auto& s : steps) {
    const bool holds = breach >= 0 ? lower_of(s) <= breach && breach < upper_of(s)
                                   : lower_of(s) < breach && breach <= upper_of(s);
    if (holds) return s;
  }
  return std::nullopt;
}

// `base + change` computed wide and brought back into int's range: an adjustment near INT_MAX
// must scale out to the maximum, not wrap into a scale-in.
int saturated_sum(int base, long long change) {
  return static_cast<int>(std::clamp<long long>(base + change, std::numeric_limits<int>::min(),
                                                std::numeric_limits<int>::max()));
}

int adjusted_capacity(const StepScalingPolicy& policy, const StepAdjustment& step, int base) {
  switch (policy.adjustment_type) {
    case AdjustmentType::exact_capacity: return step.scaling_adjustment;
    case AdjustmentType::change_in_capacity: return saturated_sum(base, step.scaling_adjustment);
    case AdjustmentType::percent_change_in_capacity: {
      long long change = rounded_percent_change(base, step.scaling_adjustment);
      if (policy.min_adjustment_magnitude && std::abs(change) < *policy.min_adjustment_magnitude) {
        const long long magnitude = *policy.min_adjustment_magnitude;
        change = change < 0 ? -magnitude : magnitude;
      }
      return saturated_sum(base, change);
    }
  }
  return base;
}

std::optional<ScalingDecision> step_scaling_decision(const std::vector<StepTrigger>& triggers, const Capacity& capacity,
                                                     const ScalingHistory& history, const ScalingAllowed& allowed,
                                                     std::int64_t now_ms) {
  std::vector<ScalingDecision> outs, ins;
  for (const auto& trigger : triggers) {
    const auto step = step_for(trigger.policy.steps, trigger.metric - trigger.threshold);
    if (!step) continue;
    const int asked = clamp_capacity(adjusted_capacity(trigger.policy, *step, capacity.current), capacity);
    if (asked > capacity.current) {
      if (!allowed.scale_out || scale_out_held(history, trigger.policy.cooldown_ms, now_ms)) continue;
      const int base = scale_out_base(capacity, history, trigger.policy.cooldown_ms, now_ms);
      const int desired = clamp_capacity(adjusted_capacity(trigger.policy, *step, base), capacity);
      if (desired > capacity.current) {
        outs.push_back({desired, ScalingDirection::out, trigger.policy.name, trigger.alarm, trigger.metric,
                        trigger.threshold});
      }
    } else if (asked < capacity.current && allowed.scale_in &&
               !scale_in_cooling_down(history, trigger.policy.cooldown_ms, 0, now_ms)) {
      ins.push_back({asked, ScalingDirection::in, trigger.policy.name, trigger.alarm, trigger.metric,
                     trigger.threshold});
    }
  }
  return combine_decisions(outs, ins, true);
}

}  // namespace berth::sched
