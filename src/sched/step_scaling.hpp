// Step scaling as Application Auto Scaling runs it: an alarm acting on the policy is in ALARM,
// its breach (metric − threshold) falls in one step, and the step's ScalingAdjustment changes the
// capacity as AdjustmentType says (ChangeInCapacity, PercentChangeInCapacity with
// MinAdjustmentMagnitude, ExactCapacity), within MinCapacity and MaxCapacity, after the
// policy's Cooldown. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "sched/scaling_decision.hpp"

namespace berth::sched {

enum class AdjustmentType { change_in_capacity, percent_change_in_capacity, exact_capacity };

// One step: bounds relative to the alarm's threshold (nothing = unbounded on that side).
struct StepAdjustment {
  std::optional<double> lower_bound;
  std::optional<double> upper_bound;
  int scaling_adjustment = 0;
};

struct StepScalingPolicy {
  std::string name;
  AdjustmentType adjustment_type = AdjustmentType::change_in_capacity;
  std::vector<StepAdjustment> steps;
  std::optional<int> min_adjustment_magnitude;  // PercentChangeInCapacity only
  std::int64_t cooldown_ms = 0;
};

// An alarm in ALARM acting on a step policy: its name and how far the metric is past its
// threshold (metric − threshold, negative below it).
struct StepTrigger {
  StepScalingPolicy policy;
  std::string alarm;
  double metric = 0;
  double threshold = 0;
};

// Checks steps as PutScalingPolicy does: at least one; each with a bound; lower < upper; at
// most one unbounded below and one unbounded above; no overlaps or gaps between neighbours.
// ValidationException-worthy messages (Code::validation).
[[nodiscard]] Result<void> check_step_adjustments(const std::vector<StepAdjustment>& steps);

// The step whose interval holds `breach`: above the threshold a lower bound is inclusive and an
// upper bound exclusive, below it the other way round. Nothing when no step holds it.
std::optional<StepAdjustment> step_for(const std::vector<StepAdjustment>& steps, double breach);

// The capacity `policy` asks for from `base` with step `step` (before the bounds).
int adjusted_capacity(const StepScalingPolicy& policy, const StepAdjustment& step, int base);

// Returns what the triggered policies decide at `now_ms`: the largest scale-out asked for, else
// the scale-in that keeps the most capacity; nothing when none changes the capacity. A scale-out
// during a policy's cooldown is computed from the capacity before the previous scale-out (only a
// larger one acts); a scale-in waits for the cooldown.
std::optional<ScalingDecision> step_scaling_decision(const std::vector<StepTrigger>& triggers, const Capacity& capacity,
                                                     const ScalingHistory& history, const ScalingAllowed& allowed,
                                                     std::int64_t now_ms);

}  // namespace berth::sched
