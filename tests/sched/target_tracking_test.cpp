#include "sched/target_tracking.hpp"

#include <catch2/catch.hpp>

namespace target_tracking_test {

using namespace berth::sched;

namespace {

constexpr std::int64_t k_now = 1'700'000'000'000;

std::vector<std::optional<double>> flat(double value, int count = k_scale_in_periods) {
  return std::vector<std::optional<double>>(static_cast<std::size_t>(count), value);
}

TargetTrackingPolicy cpu(double target, std::vector<std::optional<double>> periods, std::string name = "cpu") {
  TargetTrackingPolicy p;
  p.name = std::move(name);
  p.target_value = target;
  p.periods = std::move(periods);
  return p;
}

std::optional<ScalingDecision> decide(const std::vector<TargetTrackingPolicy>& policies, Capacity capacity,
                                      ScalingHistory history = {}, ScalingAllowed allowed = {}) {
  return target_tracking_decision(policies, capacity, history, allowed, k_now);
}

}  // namespace

TEST_CASE("target tracking: scales out after three periods above the target, to ceil(current x metric / target)",
          "[sched][scaling]") {
  auto d = decide({cpu(50, flat(90, 3))}, {2, 1, 10});
  REQUIRE(d);
  CHECK(d->desired == 4);  // ceil(2 * 90 / 50) = ceil(3.6)
  CHECK(d->direction == ScalingDirection::out);
  CHECK(d->policy == "cpu");
  CHECK(d->alarm == "AlarmHigh");
  CHECK(d->metric == 90);
  // Two periods are not enough; a period without data or at the target breaks the run.
  CHECK_FALSE(decide({cpu(50, flat(90, 2))}, {2, 1, 10}));
  CHECK_FALSE(decide({cpu(50, {90.0, std::nullopt, 90.0})}, {2, 1, 10}));
  CHECK_FALSE(decide({cpu(50, {90.0, 50.0, 90.0})}, {2, 1, 10}));
  // Periods without data are skipped, as far back as twice the alarm's periods.
  CHECK(decide({cpu(50, {90.0, std::nullopt, 90.0, std::nullopt, 90.0})}, {2, 1, 10}));
  CHECK_FALSE(decide({cpu(50, {90.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, 90.0, 90.0})}, {2, 1, 10}));
  CHECK_FALSE(decide({cpu(50, {90.0, std::nullopt, 50.0, std::nullopt, 90.0})}, {2, 1, 10}));
  // The newest value decides the size.
  CHECK(decide({cpu(50, {60.0, 60.0, 150.0})}, {1, 1, 10})->desired == 3);
}

TEST_CASE("target tracking: never outside min and max", "[sched][scaling]") {
  CHECK(decide({cpu(50, flat(500, 3))}, {2, 1, 5})->desired == 5);
  CHECK_FALSE(decide({cpu(50, flat(500, 3))}, {5, 1, 5}));  // at max: nothing to do
  CHECK(decide({cpu(50, flat(1))}, {4, 2, 10})->desired == 2);
  CHECK_FALSE(decide({cpu(50, flat(1))}, {2, 2, 10}));
}

TEST_CASE("target tracking: scales in only after fifteen periods below 90% of the target", "[sched][scaling]") {
  auto d = decide({cpu(50, flat(10))}, {4, 1, 10});
  REQUIRE(d);
  CHECK(d->direction == ScalingDirection::in);
  CHECK(d->desired == 1);  // ceil(4 * 10 / 50) = ceil(0.8)
  CHECK(d->alarm == "AlarmLow");
  CHECK(d->threshold == Approx(45));
  CHECK_FALSE(decide({cpu(50, flat(10, 14))}, {4, 1, 10}));
  auto gaps = flat(10, 30);
  for (std::size_t i = 1; i < gaps.size(); i += 3) gaps[i].reset();  // 20 values in 30 periods
  CHECK(decide({cpu(50, gaps)}, {4, 1, 10})->desired == 1);
  auto periods = flat(10);
  periods[3] = 45;  // at 90% is not below it
  CHECK_FALSE(decide({cpu(50, periods)}, {4, 1, 10}));
  CHECK(decide({cpu(50, flat(30))}, {4, 1, 10})->desired == 3);  // ceil(2.4)
  // A low metric that would not remove a task does nothing.
  CHECK_FALSE(decide({cpu(50, flat(44))}, {4, 1, 10}));
}

TEST_CASE("target tracking: cooldowns", "[sched][scaling]") {
  const Capacity four{4, 1, 10};
  SECTION("a scale-in waits for the scale-in cooldown and for the scale-out cooldown") {
    CHECK_FALSE(decide({cpu(50, flat(10))}, four, {std::nullopt, 0, k_now - 299'000, false}));
    CHECK(decide({cpu(50, flat(10))}, four, {std::nullopt, 0, k_now - 300'000, false}));
    CHECK_FALSE(decide({cpu(50, flat(10))}, four, {k_now - 100'000, 2, std::nullopt, false}));
    CHECK(decide({cpu(50, flat(10))}, four, {k_now - 300'000, 2, std::nullopt, false}));
  }
  SECTION("during the scale-out cooldown only a larger scale-out happens, counted from before the last one") {
    const ScalingHistory after_out{k_now - 60'000, 2, std::nullopt, false};
    // From 2 at 90%: 4, which the last scale-out already reached.
    CHECK_FALSE(decide({cpu(50, flat(90, 3))}, four, after_out));
    auto larger = decide({cpu(50, flat(150, 3))}, four, after_out);
    REQUIRE(larger);
    CHECK(larger->desired == 6);  // ceil(2 * 150 / 50), not ceil(4 * 150 / 50)
    // After the cooldown the current capacity is the base again.
    CHECK(decide({cpu(50, flat(90, 3))}, four, {k_now - 300'000, 2, std::nullopt, false})->desired == 8);
  }
  SECTION("a scale-in cooldown does not hold a scale-out back") {
    CHECK(decide({cpu(50, flat(90, 3))}, four, {std::nullopt, 0, k_now - 1'000, false})->desired == 8);
  }
  SECTION("after a scale-out that could not be placed, no scale-out until its cooldown has passed") {
    CHECK_FALSE(decide({cpu(50, flat(500, 3))}, four, {k_now - 299'000, 4, std::nullopt, true}));
    CHECK(decide({cpu(50, flat(500, 3))}, four, {k_now - 300'000, 4, std::nullopt, true})->desired == 10);
    CHECK_FALSE(scale_out_held({k_now - 299'000, 4, std::nullopt, false}, 300'000, k_now));
  }
  SECTION("cooldowns are the policy's") {
    auto quick = cpu(50, flat(10));
    quick.scale_in_cooldown_ms = 1'000;
    CHECK(decide({quick}, four, {std::nullopt, 0, k_now - 1'000, false}));
  }
}

TEST_CASE("target tracking: several policies, DisableScaleIn, suspended directions", "[sched][scaling]") {
  const Capacity four{4, 1, 10};
  SECTION("scale out if any policy says so, to the largest capacity asked") {
    auto d = decide({cpu(50, flat(10), "cpu"), cpu(50, flat(75), "memory"), cpu(50, flat(100), "other")}, four);
    REQUIRE(d);
    CHECK(d->desired == 8);
    CHECK(d->policy == "other");
  }
  SECTION("scale in only if every policy says so, keeping the most capacity") {
    CHECK_FALSE(decide({cpu(50, flat(10)), cpu(50, flat(46), "memory")}, four));
    auto d = decide({cpu(50, flat(10)), cpu(50, flat(30), "memory")}, four);
    REQUIRE(d);
    CHECK(d->desired == 3);
    CHECK(d->policy == "memory");
  }
  SECTION("a policy with scale-in disabled never scales in and does not veto the others") {
    auto no_in = cpu(50, flat(10), "no-in");
    no_in.disable_scale_in = true;
    CHECK_FALSE(decide({no_in}, four));
    auto busy = cpu(50, flat(46), "busy");
    busy.disable_scale_in = true;
    CHECK(decide({busy, cpu(50, flat(10))}, four)->desired == 1);
  }
  SECTION("suspended or held-back directions") {
    CHECK_FALSE(decide({cpu(50, flat(90))}, four, {}, {false, true}));
    CHECK_FALSE(decide({cpu(50, flat(10))}, four, {}, {true, false}));
  }
  SECTION("a policy without a positive target is ignored") {
    CHECK_FALSE(decide({cpu(0, flat(90))}, four));
    CHECK_FALSE(decide({cpu(-5, flat(90))}, four));
  }
}

TEST_CASE("scaling decisions: shared rules", "[sched][scaling]") {
  CHECK(clamp_capacity(0, {3, 1, 5}) == 1);
  CHECK(clamp_capacity(9, {3, 1, 5}) == 5);
  CHECK(clamp_capacity(3, {3, 1, 5}) == 3);
  const ScalingHistory history{k_now - 10'000, 2, std::nullopt, false};
  CHECK(scale_out_base({4, 1, 10}, history, 60'000, k_now) == 2);
  CHECK(scale_out_base({4, 1, 10}, history, 10'000, k_now) == 4);
  CHECK(scale_out_base({1, 1, 10}, history, 60'000, k_now) == 1);  // scaled in by hand since: never above current
  const auto scale_in_to = [](int desired) {
    ScalingDecision d;
    d.desired = desired;
    d.direction = ScalingDirection::in;
    return d;
  };
  CHECK_FALSE(combine_decisions({}, {scale_in_to(1)}, false));
  CHECK(combine_decisions({}, {scale_in_to(1), scale_in_to(2)}, true)->desired == 2);
}

}  // namespace target_tracking_test
