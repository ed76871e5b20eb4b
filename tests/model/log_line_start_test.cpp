#include "model/log_line_start.hpp"

#include <catch2/catch.hpp>

namespace log_line_start_test {

using berth::model::LineStartMatcher;

TEST_CASE("awslogs-datetime-format finds event starts without a regular expression", "[model][logs]") {
  auto iso = LineStartMatcher::datetime("%Y-%m-%dT%H:%M:%S");
  REQUIRE(iso);
  CHECK(iso->starts_event("2026-12-03T16:34:15 INFO up"));
  CHECK_FALSE(iso->starts_event("  at frame"));
  CHECK_FALSE(iso->starts_event("2026-13-03T16:34:15 month 13"));
  CHECK_FALSE(iso->starts_event("2026-12-03"));
  auto syslog = LineStartMatcher::datetime("[%b %d, %Y %H:%M:%S%L %p]");
  REQUIRE(syslog);
  CHECK(syslog->starts_event("[Dec 03, 2026 04:34:15.123 PM] started"));
  CHECK_FALSE(syslog->starts_event("[Foo 03, 2026 04:34:15.123 PM] started"));
  auto percent = LineStartMatcher::datetime("%%%a %z");
  REQUIRE(percent);
  CHECK(percent->starts_event("%Thu +0100 x"));
  CHECK_FALSE(LineStartMatcher::datetime("%Q"));
  CHECK_FALSE(LineStartMatcher::datetime("ends %"));
}

TEST_CASE("awslogs-multiline-pattern must be tame for std::regex", "[model][logs]") {
  auto start = LineStartMatcher::pattern("^\\S");
  REQUIRE(start);
  CHECK(start->starts_event("Exception"));
  CHECK_FALSE(start->starts_event("\tat x"));
  auto dated = LineStartMatcher::pattern("^\\[\\d{4}-\\d{2}-\\d{2}");
  REQUIRE(dated);
  CHECK(dated->starts_event("[2026-12-03] x"));
  CHECK(LineStartMatcher::pattern("^INFO|^ERROR"));
  CHECK(LineStartMatcher::pattern("^a*b+").has_value());
  CHECK(LineStartMatcher::pattern("(a+)+b").error().message.find("no groups") != std::string::npos);
  CHECK(LineStartMatcher::pattern("a\\1").error().message.find("backreferences") != std::string::npos);
  CHECK(LineStartMatcher::pattern("\\c\\1").error().message.find("backreferences") == std::string::npos);
  CHECK(LineStartMatcher::pattern("a*b*c*").error().message.find("at most 2") != std::string::npos);
  CHECK(LineStartMatcher::pattern("[a]**b").error().message.find("may not repeat another") != std::string::npos);
  CHECK(LineStartMatcher::pattern("a{1,1000}").error().message.find("at most 100") != std::string::npos);
  CHECK(LineStartMatcher::pattern("[unclosed").error().message.find("not a valid") != std::string::npos);
  // Only a line's first 256 bytes are searched.
  auto late = LineStartMatcher::pattern("MARK");
  REQUIRE(late);
  CHECK_FALSE(late->starts_event(std::string(300, 'x') + "MARK"));
}

}  // namespace log_line_start_test
