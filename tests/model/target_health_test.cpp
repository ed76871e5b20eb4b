#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "model/target_health.hpp"

namespace target_health_test {

using namespace berth;
using model::TargetState;

namespace {

model::HealthCheck check_of(int interval, int healthy, int unhealthy) {
  model::HealthCheck check;
  check.interval_seconds = interval;
  check.healthy_threshold = healthy;
  check.unhealthy_threshold = unhealthy;
  return check;
}

}  // namespace

TEST_CASE("target health: initial until healthy_threshold passes in a row, then unhealthy after failures",
          "[model][elb]") {
  testing::FakeClock clock;
  const auto check = check_of(5, 3, 2);
  auto health = model::new_target_health(check, clock.now_ms());
  CHECK(health.state == TargetState::initial);
  CHECK(model::check_due(health, clock.now_ms()));

  model::record_check(health, check, clock.now_ms(), "");
  CHECK_FALSE(model::check_due(health, clock.now_ms()));
  clock.advance_ms(4'999);
  CHECK_FALSE(model::check_due(health, clock.now_ms()));
  clock.advance_ms(1);
  CHECK(model::check_due(health, clock.now_ms()));
  model::record_check(health, check, clock.now_ms(), "");
  CHECK(health.state == TargetState::initial);
  // A failure between resets the run of passes.
  model::record_check(health, check, clock.now_ms(), "connection refused");
  CHECK(health.state == TargetState::initial);
  for (int i = 0; i < 2; ++i) model::record_check(health, check, clock.now_ms(), "");
  CHECK(health.state == TargetState::initial);
  model::record_check(health, check, clock.now_ms(), "");
  CHECK(health.state == TargetState::healthy);
  CHECK(model::health_reason(health, check).reason.empty());

  model::record_check(health, check, clock.now_ms(), "HTTP 500");
  CHECK(health.state == TargetState::healthy);
  model::record_check(health, check, clock.now_ms(), "HTTP 500");
  CHECK(health.state == TargetState::unhealthy);
  CHECK(model::health_reason(health, check).reason == "Target.FailedHealthChecks");

  // Back after healthy_threshold passes.
  for (int i = 0; i < 3; ++i) model::record_check(health, check, clock.now_ms(), "");
  CHECK(health.state == TargetState::healthy);
}

TEST_CASE("target health: HTTP mismatches and timeouts give ELB's reasons; disabled checks are unavailable",
          "[model][elb]") {
  auto check = check_of(5, 2, 2);
  check.protocol = "HTTP";
  auto health = model::new_target_health(check, 0);
  model::record_check(health, check, 0, "HTTP 404");
  model::record_check(health, check, 0, "HTTP 404");
  CHECK(health.state == TargetState::unhealthy);
  CHECK(model::health_reason(health, check).reason == "Target.ResponseCodeMismatch");
  CHECK(model::health_reason(health, check).description == "Health checks failed with these codes: [404]");
  model::record_check(health, check, 0, "timed out");
  CHECK(model::health_reason(health, check).reason == "Target.Timeout");

  check.enabled = false;
  auto off = model::new_target_health(check, 0);
  CHECK(off.state == TargetState::unavailable);
  model::record_check(off, check, 0, "connection refused");
  CHECK(off.state == TargetState::unavailable);
}

}  // namespace target_health_test
