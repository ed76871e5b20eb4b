// The restart decision as the ECS agent's restart tracker makes it, with times from a fake clock.
#include "agent/restart_policy.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

namespace restart_policy_test {

using namespace berth;
using namespace berth::agent;
using berth::testing::FakeClock;
using model::Json;

namespace {

RestartPolicy enabled_policy(int period_s = 60, std::vector<int> ignored = {}) {
  return {true, std::move(ignored), period_s};
}

// A container started at `started_at` that exited with `code` at the clock's time.
ExitedContainer exited_now(const FakeClock& clock, EpochMs started_at, std::optional<int> code = 1) {
  return {code, clock.now_ms(), started_at, std::nullopt, false};
}

}  // namespace

TEST_CASE("restart policy: read from a container definition, with ECS's default period", "[agent][restart]") {
  const auto full = restart_policy_of(
      Json::parse(R"({"name":"a","restartPolicy":{"enabled":true,"ignoredExitCodes":[0,3],"restartAttemptPeriod":90}})"));
  CHECK(full.enabled);
  CHECK(full.ignored_exit_codes == std::vector<int>{0, 3});
  CHECK(full.attempt_period_s == 90);

  const auto defaults = restart_policy_of(Json::parse(R"({"name":"a","restartPolicy":{"enabled":true}})"));
  CHECK(defaults.enabled);
  CHECK(defaults.ignored_exit_codes.empty());
  CHECK(defaults.attempt_period_s == 300);

  CHECK_FALSE(restart_policy_of(Json::parse(R"({"name":"a"})")).enabled);
  CHECK_FALSE(restart_policy_of(Json::parse(R"({"name":"a","restartPolicy":{"enabled":false}})")).enabled);
}

TEST_CASE("restart policy: members of the wrong type in a stored definition read as absent", "[agent][restart]") {
  CHECK_FALSE(restart_policy_of(Json::parse(R"({"restartPolicy":{"enabled":"true"}})")).enabled);
  CHECK_FALSE(restart_policy_of(Json::parse(R"({"restartPolicy":{"enabled":1}})")).enabled);
  CHECK_FALSE(restart_policy_of(Json::parse(R"({"restartPolicy":true})")).enabled);
  CHECK_FALSE(restart_policy_of(Json::parse(R"([1,2])")).enabled);
  const auto odd = restart_policy_of(Json::parse(
      R"({"restartPolicy":{"enabled":true,"ignoredExitCodes":[1,"2",null,4.5,7],"restartAttemptPeriod":"60"}})"));
  CHECK(odd.enabled);
  CHECK(odd.ignored_exit_codes == std::vector<int>{1, 7});
  CHECK(odd.attempt_period_s == 300);
  CHECK(restart_policy_of(Json::parse(R"({"restartPolicy":{"enabled":true,"restartAttemptPeriod":-5}})")).attempt_period_s == 300);
  CHECK(restart_policy_of(Json::parse(R"({"restartPolicy":{"enabled":true,"restartAttemptPeriod":99999999999}})"))
            .attempt_period_s == 300);
}

TEST_CASE("restart policy: a container restarts only once it ran for the attempt period", "[agent][restart]") {
  FakeClock clock;
  const EpochMs started = clock.now_ms();
  clock.advance_ms(59'999);
  const auto early = should_restart(enabled_policy(60), exited_now(clock, started), std::nullopt);
  CHECK_FALSE(early.restart);
  CHECK(early.reason == "it ran for less than its restartAttemptPeriod (60 s)");
  clock.advance_ms(1);
  const auto due = should_restart(enabled_policy(60), exited_now(clock, started), std::nullopt);
  CHECK(due.restart);
  CHECK(due.reason.empty());
}

TEST_CASE("restart policy: after a restart the period runs from the restart, not the first start",
          "[agent][restart]") {
  FakeClock clock;
  const EpochMs started = clock.now_ms();
  clock.advance_ms(600'000);
  const EpochMs restarted = clock.now_ms();
  clock.advance_ms(30'000);
  ExitedContainer exited = exited_now(clock, started);
  exited.last_restarted_at = restarted;
  CHECK_FALSE(should_restart(enabled_policy(60), exited, std::nullopt).restart);
  clock.advance_ms(30'000);
  exited.exited_at = clock.now_ms();
  CHECK(should_restart(enabled_policy(60), exited, std::nullopt).restart);
}

TEST_CASE("restart policy: ignored exit codes, a disabled policy, a stopping task and an unknown exit do not restart",
          "[agent][restart]") {
  FakeClock clock;
  const EpochMs started = clock.now_ms();
  clock.advance_ms(3'600'000);  // long past any period

  const auto ignored = should_restart(enabled_policy(60, {0, 3}), exited_now(clock, started, 3), std::nullopt);
  CHECK_FALSE(ignored.restart);
  CHECK(ignored.reason == "exit code 3 is ignored by its restart policy");
  CHECK(should_restart(enabled_policy(60, {0, 3}), exited_now(clock, started, 4), std::nullopt).restart);

  const auto disabled = should_restart(RestartPolicy{}, exited_now(clock, started), std::nullopt);
  CHECK_FALSE(disabled.restart);
  CHECK(disabled.reason == "restart policy is not enabled");

  ExitedContainer stopping = exited_now(clock, started);
  stopping.task_stopping = true;
  const auto desired_stopped = should_restart(enabled_policy(), stopping, 0);
  CHECK_FALSE(desired_stopped.restart);
  CHECK(desired_stopped.reason == "the task is stopping");

  const auto unknown = should_restart(enabled_policy(), exited_now(clock, started, std::nullopt), 0);
  CHECK_FALSE(unknown.restart);
  CHECK(unknown.reason == "its exit code is unknown");
}

TEST_CASE("restart policy: the gateway's period replaces the definition's", "[agent][restart]") {
  FakeClock clock;
  const EpochMs started = clock.now_ms();
  clock.advance_ms(999);
  CHECK_FALSE(should_restart(enabled_policy(300), exited_now(clock, started), 1).restart);
  clock.advance_ms(1);
  CHECK(should_restart(enabled_policy(300), exited_now(clock, started), 1).restart);
  // 0 restarts at once, even a container that exits as it starts.
  CHECK(should_restart(enabled_policy(300), exited_now(clock, clock.now_ms()), 0).restart);
  // It replaces the period only: ignored codes still hold.
  CHECK_FALSE(should_restart(enabled_policy(300, {1}), exited_now(clock, started, 1), 0).restart);
}

}  // namespace restart_policy_test
