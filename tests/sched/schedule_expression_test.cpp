#include "sched/schedule_expression.hpp"

#include <catch2/catch.hpp>

#include "common/civil_time.hpp"

namespace schedule_expression_test {

using namespace berth::sched;
using berth::utc_seconds;

constexpr auto utc = [](int y, int mo, int d, int h = 0, int mi = 0) { return utc_seconds(y, mo, d, h, mi); };

namespace {

std::int64_t next(const char* expression, std::int64_t after) {
  auto e = parse_schedule_expression(expression);
  INFO(expression << (e ? "" : " → " + e.error().message));
  REQUIRE(e.has_value());
  auto n = next_fire(*e, after, 0);
  REQUIRE(n.has_value());
  return *n;
}

}  // namespace

TEST_CASE("cron: minutes, hours, lists, ranges and steps", "[sched]") {
  CHECK(next("cron(0 12 * * ? *)", utc(2026, 1, 1, 11, 30)) == utc(2026, 1, 1, 12, 0));
  CHECK(next("cron(0 12 * * ? *)", utc(2026, 1, 1, 12, 0)) == utc(2026, 1, 2, 12, 0));
  CHECK(next("cron(0/15 * * * ? *)", utc(2026, 1, 1, 10, 7)) == utc(2026, 1, 1, 10, 15));
  CHECK(next("cron(5,35 8-9 * * ? *)", utc(2026, 1, 1, 9, 36)) == utc(2026, 1, 2, 8, 5));
  CHECK(next("cron(0 18 ? * MON-FRI *)", utc(2026, 11, 21, 19, 0)) == utc(2026, 11, 23, 18, 0));  // Sat → Mon
}

TEST_CASE("cron: month ends, L, W and leap years", "[sched]") {
  CHECK(next("cron(0 0 L * ? *)", utc(2026, 1, 31, 1)) == utc(2026, 2, 28));
  CHECK(next("cron(0 0 L * ? *)", utc(2028, 2, 1)) == utc(2028, 2, 29));  // leap year
  CHECK(next("cron(0 0 31 * ? *)", utc(2026, 1, 31, 1)) == utc(2026, 3, 31));  // skips February
  CHECK(next("cron(0 0 29 2 ? *)", utc(2026, 3, 1)) == utc(2028, 2, 29));
  CHECK(next("cron(0 9 15W * ? *)", utc(2026, 11, 1)) == utc(2026, 11, 16, 9));  // the 15th is a Sunday
  CHECK(next("cron(0 9 1W * ? *)", utc(2026, 10, 15)) == utc(2026, 11, 2, 9));   // Nov 1 is a Sunday → Monday 2nd
  CHECK(next("cron(0 9 LW * ? *)", utc(2026, 10, 1)) == utc(2026, 10, 30, 9));   // Oct 31 is a Saturday
}

TEST_CASE("cron: day-of-week L and #", "[sched]") {
  CHECK(next("cron(0 10 ? * 6L *)", utc(2026, 11, 1)) == utc(2026, 11, 27, 10));   // last Friday
  CHECK(next("cron(0 10 ? * 3#2 *)", utc(2026, 11, 1)) == utc(2026, 11, 10, 10));  // second Tuesday
  CHECK(next("cron(0 10 ? * MON#1 2027)", utc(2026, 11, 1)) == utc(2027, 1, 4, 10));
}

TEST_CASE("rate and at", "[sched]") {
  auto rate = parse_schedule_expression("rate(5 minutes)");
  REQUIRE(rate.has_value());
  CHECK(*next_fire(*rate, 1000, 400) == 1300);  // 400 + 3 × 300
  CHECK(*next_fire(*rate, 100, 400) == 700);
  CHECK(parse_schedule_expression("rate(1 hour)").has_value());
  CHECK_FALSE(parse_schedule_expression("rate(1 hours)").has_value());
  CHECK_FALSE(parse_schedule_expression("rate(2 hour)").has_value());
  CHECK_FALSE(parse_schedule_expression("rate(0 minutes)").has_value());
  auto at = parse_schedule_expression("at(2026-12-24T18:00:00)");
  REQUIRE(at.has_value());
  CHECK(*next_fire(*at, utc(2026, 12, 1), 0) == utc(2026, 12, 24, 18));
  CHECK_FALSE(next_fire(*at, utc(2026, 12, 25), 0).has_value());
  CHECK_FALSE(parse_schedule_expression("at(2026-02-30T00:00:00)").has_value());
}

TEST_CASE("invalid expressions say why", "[sched]") {
  for (const char* bad : {"cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(61 * * * ? *)", "cron(0 12 * * ?)",
                          "cron(0 12 32 * ? *)", "cron(0 12 ? * 8 *)", "cron(0 12 ? * 3#6 *)", "every(5m)",
                          "cron(0 12 * FOO ? *)"}) {
    auto e = parse_schedule_expression(bad);
    INFO(bad);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == berth::Code::invalid_parameter);
  }
  auto both = parse_schedule_expression("cron(0 12 1 * MON *)");
  REQUIRE_FALSE(both.has_value());
  CHECK(both.error().message.find("'?'") != std::string::npos);
}

}  // namespace schedule_expression_test
