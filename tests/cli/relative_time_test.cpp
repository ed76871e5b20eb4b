#include "cli/relative_time.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

namespace berth::cli::relative_time_test {

TEST_CASE("relative time: the largest whole unit, past and future, on a fake clock", "[cli]") {
  testing::FakeClock clock;
  const EpochMs then = clock.now_ms();
  CHECK(relative_time(std::nullopt, clock.now_ms()) == "-");
  CHECK(relative_time(then, clock.now_ms()) == "just now");
  clock.advance_ms(999);
  CHECK(relative_time(then, clock.now_ms()) == "just now");
  clock.advance_ms(11'001);
  CHECK(relative_time(then, clock.now_ms()) == "12s ago");
  clock.advance_ms(3 * 60'000);
  CHECK(relative_time(then, clock.now_ms()) == "3m ago");
  clock.advance_ms(2 * 3'600'000);
  CHECK(relative_time(then, clock.now_ms()) == "2h ago");
  clock.advance_ms(9 * 86'400'000LL);
  CHECK(relative_time(then, clock.now_ms()) == "9d ago");  // weeks only beyond two
  clock.advance_ms(12 * 86'400'000LL);
  CHECK(relative_time(then, clock.now_ms()) == "3w ago");
  CHECK(relative_time(clock.now_ms() + 5 * 60'000, clock.now_ms()) == "in 5m");
}

TEST_CASE("relative time: ECS timestamps are epoch seconds, checked", "[cli]") {
  const model::Json task{{"startedAt", 1796315764.225}, {"text", "x"}, {"negative", -1}, {"huge", 1e300}};
  CHECK(timestamp_member(task, "startedAt") == 1'796'315'764'225);
  CHECK_FALSE(timestamp_member(task, "text"));
  CHECK_FALSE(timestamp_member(task, "negative"));
  CHECK_FALSE(timestamp_member(task, "huge"));
  CHECK_FALSE(timestamp_member(task, "missing"));
  CHECK_FALSE(timestamp_member(model::Json::array(), "startedAt"));
  CHECK(utc_time(1'796'315'764'225) == "2026-12-03T16:36:04Z");
}

}  // namespace berth::cli::relative_time_test
