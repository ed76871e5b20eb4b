#include "sched/step_scaling.hpp"

#include <catch2/catch.hpp>

namespace step_scaling_test {

using namespace berth;
using namespace berth::sched;

namespace {

constexpr std::int64_t k_now = 1'700'000'000'000;

StepAdjustment step(std::optional<double> lower, std::optional<double> upper, int adjustment) {
  return StepAdjustment{lower, upper, adjustment};
}

StepScalingPolicy policy(AdjustmentType type, std::vector<StepAdjustment> steps, std::int64_t cooldown_ms = 60'000) {
  StepScalingPolicy p;
  p.name = "steps";
  p.adjustment_type = type;
  p.steps = std::move(steps);
  p.cooldown_ms = cooldown_ms;
  return p;
}

}  // namespace

TEST_CASE("step scaling: steps are checked as PutScalingPolicy checks them", "[sched][scaling]") {
  CHECK(check_step_adjustments({step(0, 10, 1), step(10, std::nullopt, 3)}).has_value());
  CHECK(check_step_adjustments({step(std::nullopt, 0, -1)}).has_value());
  for (const auto& bad : std::vector<std::vector<StepAdjustment>>{
           {},
           {step(std::nullopt, std::nullopt, 1)},
           {step(10, 5, 1)},
           {step(0, 10, 1), step(5, std::nullopt, 2)},   // overlap
           {step(0, 10, 1), step(20, std::nullopt, 2)},  // gap
           {step(0, std::nullopt, 1), step(5, std::nullopt, 2)}}) {
    const auto checked = check_step_adjustments(bad);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().code == Code::validation);
  }
}

TEST_CASE("step scaling: the step that holds the breach", "[sched][scaling]") {
  const std::vector<StepAdjustment> steps{step(std::nullopt, -10, -2), step(-10, 0, -1), step(0, 10, 1),
                                          step(10, std::nullopt, 3)};
  CHECK(step_for(steps, 0)->scaling_adjustment == 1);    // above: lower bound inclusive
  CHECK(step_for(steps, 10)->scaling_adjustment == 3);   // upper bound exclusive
  CHECK(step_for(steps, 9.99)->scaling_adjustment == 1);
  CHECK(step_for(steps, -10)->scaling_adjustment == -2);  // below: upper bound inclusive
  CHECK(step_for(steps, -0.5)->scaling_adjustment == -1);
  CHECK(step_for(steps, 1e9)->scaling_adjustment == 3);
  CHECK_FALSE(step_for({step(0, 10, 1)}, 20));
}

TEST_CASE("step scaling: adjustment types, percent rounding and MinAdjustmentMagnitude", "[sched][scaling]") {
  const auto change = policy(AdjustmentType::change_in_capacity, {});
  CHECK(adjusted_capacity(change, step(0, {}, 2), 3) == 5);
  CHECK(adjusted_capacity(change, step(0, {}, -2), 3) == 1);
  const auto exact = policy(AdjustmentType::exact_capacity, {});
  CHECK(adjusted_capacity(exact, step(0, {}, 7), 3) == 7);
  auto percent = policy(AdjustmentType::percent_change_in_capacity, {});
  CHECK(adjusted_capacity(percent, step(0, {}, 50), 3) == 4);    // 1.5 rounds down to 1
  CHECK(adjusted_capacity(percent, step(0, {}, 10), 3) == 4);    // 0.3 becomes 1
  CHECK(adjusted_capacity(percent, step(0, {}, -10), 3) == 2);   // -0.3 becomes -1
  CHECK(adjusted_capacity(percent, step(0, {}, -50), 15) == 8);  // -7.5 rounds up to -7
  percent.min_adjustment_magnitude = 3;
  CHECK(adjusted_capacity(percent, step(0, {}, 50), 3) == 6);
  CHECK(adjusted_capacity(percent, step(0, {}, -10), 10) == 7);
  // Adjustments at int's ends saturate instead of wrapping round into the other direction.
  constexpr int k_int_max = std::numeric_limits<int>::max();
  CHECK(adjusted_capacity(change, step(0, {}, k_int_max), 3) == k_int_max);
  CHECK(adjusted_capacity(change, step(0, {}, std::numeric_limits<int>::min()), 3) == std::numeric_limits<int>::min() + 3);
  percent.min_adjustment_magnitude = k_int_max;
  CHECK(adjusted_capacity(percent, step(0, {}, 50), 3) == k_int_max);
}

TEST_CASE("step scaling: decisions, bounds and cooldown", "[sched][scaling]") {
  const auto out = policy(AdjustmentType::change_in_capacity, {step(0, 20, 1), step(20, std::nullopt, 3)});
  const auto in = policy(AdjustmentType::change_in_capacity, {step(std::nullopt, 0, -1)});
  const Capacity four{4, 1, 6};
  auto d = step_scaling_decision({{out, "high", 85, 60}}, four, {}, {}, k_now);
  REQUIRE(d);
  CHECK(d->desired == 6);  // +3 capped at max
  CHECK(d->alarm == "high");
  CHECK(step_scaling_decision({{out, "high", 70, 60}}, four, {}, {}, k_now)->desired == 5);
  CHECK(step_scaling_decision({{in, "low", 10, 20}}, four, {}, {}, k_now)->desired == 3);
  // Both at once: the scale-out wins.
  CHECK(step_scaling_decision({{in, "low", 10, 20}, {out, "high", 70, 60}}, four, {}, {}, k_now)->desired == 5);
  // No step holds the breach, or the direction is suspended.
  CHECK_FALSE(step_scaling_decision({{in, "low", 30, 20}}, four, {}, {}, k_now));
  CHECK_FALSE(step_scaling_decision({{out, "high", 70, 60}}, four, {}, {false, true}, k_now));
  // Scale-in waits for the cooldown since the last scale-in.
  CHECK_FALSE(step_scaling_decision({{in, "low", 10, 20}}, four, {std::nullopt, 0, k_now - 30'000, false}, {}, k_now));
  CHECK(step_scaling_decision({{in, "low", 10, 20}}, four, {std::nullopt, 0, k_now - 60'000, false}, {}, k_now));
  // During the scale-out cooldown the last scale-out's capacity counts: +1 from 3 is not above 4.
  const ScalingHistory after_out{k_now - 30'000, 3, std::nullopt, false};
  CHECK_FALSE(step_scaling_decision({{out, "high", 70, 60}}, four, after_out, {}, k_now));
  CHECK(step_scaling_decision({{out, "high", 85, 60}}, four, after_out, {}, k_now)->desired == 6);
  // After a scale-out that could not be placed, not even an exact capacity goes out before the cooldown ends.
  const auto exact = policy(AdjustmentType::exact_capacity, {step(0, std::nullopt, 6)});
  const ScalingHistory failed{k_now - 30'000, 3, std::nullopt, true};
  CHECK_FALSE(step_scaling_decision({{exact, "high", 85, 60}}, four, failed, {}, k_now));
  CHECK(step_scaling_decision({{exact, "high", 85, 60}}, four, {k_now - 60'000, 3, std::nullopt, true}, {}, k_now)
            ->desired == 6);
}

}  // namespace step_scaling_test
