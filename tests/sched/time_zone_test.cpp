#include "sched/time_zone.hpp"

#include <catch2/catch.hpp>

#include "common/civil_time.hpp"
#include <fstream>
#include <sstream>

#include "sched/schedule_expression.hpp"

namespace time_zone_test {

using namespace berth::sched;
using berth::utc_seconds;

constexpr auto utc = [](int y, int mo, int d, int h = 0, int mi = 0) { return utc_seconds(y, mo, d, h, mi); };

namespace {

// Debian's tzdata is a declared dependency (.ci/run installs it); the real files are the point.
TimeZone installed_zone(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto zone = TimeZone::from_tzif(bytes.str());
  INFO(name << (zone ? "" : ": " + zone.error().message));
  REQUIRE(zone.has_value());
  return *zone;
}

std::int64_t next_in(const char* expression, std::int64_t after, const TimeZone& zone) {
  auto e = parse_schedule_expression(expression);
  REQUIRE(e.has_value());
  auto n = next_fire(*e, after, 0, zone);
  REQUIRE(n.has_value());
  return *n;
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// A "slim" TZif v2 file: no transitions at all, only the footer rule.
std::string slim_tzif(const std::string& footer) {
  std::string header = "TZif2" + std::string(15, '\0');
  for (std::uint32_t count : {0u, 0u, 0u, 0u, 1u, 4u}) put32(header, count);
  std::string body;
  put32(body, 3600);
  body += std::string("\0\0", 2);
  body += std::string("CET\0", 4);
  return header + body + header + body + "\n" + footer + "\n";
}

}  // namespace

TEST_CASE("POSIX TZ rules: northern and southern daylight time", "[sched]") {
  auto berlin = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin.has_value());
  // 2031: the last Sundays are 30 March and 26 October; both changes happen at 01:00 UTC.
  CHECK(berlin->offset_at(utc(2031, 3, 30, 0, 59)) == 3600);
  CHECK(berlin->offset_at(utc(2031, 3, 30, 1, 0)) == 7200);
  CHECK(berlin->offset_at(utc(2031, 10, 26, 0, 59)) == 7200);
  CHECK(berlin->offset_at(utc(2031, 10, 26, 1, 0)) == 3600);

  auto sydney = TimeZone::from_posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  REQUIRE(sydney.has_value());
  CHECK(sydney->offset_at(utc(2031, 1, 15)) == 11 * 3600);
  CHECK(sydney->offset_at(utc(2031, 7, 15)) == 10 * 3600);

  auto kolkata = TimeZone::from_posix("<+0530>-5:30");
  REQUIRE(kolkata.has_value());
  CHECK(kolkata->offset_at(utc(2031, 7, 15)) == 5 * 3600 + 1800);

  for (const char* bad : {"", "X1", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0", "CET-999"}) {
    INFO(bad);
    CHECK_FALSE(TimeZone::from_posix(bad).has_value());
  }
}

TEST_CASE("TZif: the installed zone files and a slim file with only a footer", "[sched]") {
  const auto new_york = installed_zone("America/New_York");
  CHECK(new_york.offset_at(utc(2027, 1, 15)) == -5 * 3600);
  CHECK(new_york.offset_at(utc(2027, 7, 15)) == -4 * 3600);
  // After the file's last transition the footer rule decides.
  const auto berlin = installed_zone("Europe/Berlin");
  CHECK(berlin.offset_at(utc(2090, 7, 1)) == 7200);
  CHECK(berlin.offset_at(utc(2090, 12, 1)) == 3600);

  auto slim = TimeZone::from_tzif(slim_tzif("CET-1CEST,M3.5.0,M10.5.0/3"));
  REQUIRE(slim.has_value());
  CHECK(slim->offset_at(utc(2027, 7, 1)) == 7200);
  CHECK(slim->offset_at(utc(2027, 1, 1)) == 3600);

  CHECK_FALSE(TimeZone::from_tzif("TZif2").has_value());
  CHECK_FALSE(TimeZone::from_tzif("not a zone file at all, but long enough to hold a TZif header").has_value());
  auto truncated = slim_tzif("CET-1");
  CHECK_FALSE(TimeZone::from_tzif(truncated.substr(0, truncated.size() - 12)).has_value());
}

TEST_CASE("local times: none in a spring gap, two in an autumn overlap", "[sched]") {
  const auto new_york = installed_zone("America/New_York");
  // 14 March 2027: 02:00 EST jumps to 03:00 EDT. 7 November 2027: 02:00 EDT falls to 01:00 EST.
  CHECK(new_york.instants_of_local(utc(2027, 3, 14, 2, 30)).empty());
  CHECK(new_york.instants_of_local(utc(2027, 3, 14, 3, 30)) == std::vector<std::int64_t>{utc(2027, 3, 14, 7, 30)});
  CHECK(new_york.instants_of_local(utc(2027, 11, 7, 1, 30)) ==
        std::vector<std::int64_t>{utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)});
}

TEST_CASE("next fire in a named zone across daylight-saving changes", "[sched]") {
  const auto new_york = installed_zone("America/New_York");
  // 02:30 does not exist on 14 March: that day is skipped.
  CHECK(next_in("cron(30 2 * * ? *)", utc(2027, 3, 13, 12), new_york) == utc(2027, 3, 15, 6, 30));
  // 01:30 happens twice on 7 November: it fires once, at the first (EDT), then next day in EST.
  const auto first = next_in("cron(30 1 * * ? *)", utc(2027, 11, 6, 12), new_york);
  CHECK(first == utc(2027, 11, 7, 5, 30));
  CHECK(next_in("cron(30 1 * * ? *)", first, new_york) == utc(2027, 11, 8, 6, 30));
  // Every 30 minutes through the overlap: the repeated hour is not run twice.
  auto t = next_in("cron(0/30 * * * ? *)", utc(2027, 11, 7, 5, 0), new_york);
  CHECK(t == utc(2027, 11, 7, 5, 30));       // 01:30 EDT
  t = next_in("cron(0/30 * * * ? *)", t, new_york);
  CHECK(t == utc(2027, 11, 7, 7, 0));        // 02:00 EST
  // Started inside the repeated hour: nothing fires again until after it.
  CHECK(next_in("cron(0/30 * * * ? *)", utc(2027, 11, 7, 6, 10), new_york) == utc(2027, 11, 7, 7, 0));

  const auto berlin = installed_zone("Europe/Berlin");
  // 09:00 every day is 08:00 UTC in winter, 07:00 UTC in summer (change on 28 March 2027).
  CHECK(next_in("cron(0 9 * * ? *)", utc(2027, 3, 27, 0), berlin) == utc(2027, 3, 27, 8));
  CHECK(next_in("cron(0 9 * * ? *)", utc(2027, 3, 28, 0), berlin) == utc(2027, 3, 28, 7));
  // at() is a wall-clock time too; one in the gap moves forward by the length of the gap.
  CHECK(next_in("at(2027-07-01T12:00:00)", utc(2027, 1, 1), berlin) == utc(2027, 7, 1, 10));
  CHECK(next_in("at(2027-03-14T02:30:00)", utc(2027, 1, 1), new_york) == utc(2027, 3, 14, 7, 30));
  // rate() counts elapsed time: 24 hours, whatever the clocks do.
  auto daily = parse_schedule_expression("rate(1 day)");
  REQUIRE(daily.has_value());
  const auto anchor = utc(2027, 3, 27, 12);
  CHECK(next_fire(*daily, anchor, anchor, berlin) == anchor + 86400);
}

TEST_CASE("zone names cannot leave the zoneinfo directory", "[sched]") {
  CHECK(is_valid_zone_name("America/New_York"));
  CHECK(is_valid_zone_name("Etc/GMT+5"));
  CHECK(is_valid_zone_name("UTC"));
  for (const char* bad : {"", "../etc/passwd", "/etc/passwd", "Europe//Berlin", "Europe/./Berlin", "Europe/Berlin/", "a b"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_zone_name(bad));
  }
}

}  // namespace time_zone_test
