#include "model/log_filter_pattern.hpp"

#include <catch2/catch.hpp>

namespace log_filter_pattern_test {

using berth::model::FilterPattern;

namespace {

bool matches(std::string_view pattern, std::string_view message) {
  auto parsed = FilterPattern::parse(pattern);
  REQUIRE(parsed);
  return parsed->matches(message);
}

std::string refusal(std::string_view pattern) {
  auto parsed = FilterPattern::parse(pattern);
  return parsed ? "" : parsed.error().message;
}

}  // namespace

TEST_CASE("text filter patterns: terms, phrases, alternatives, exclusions", "[model][logs]") {
  CHECK(matches("", "anything"));
  CHECK(matches("   ", "anything"));
  CHECK(matches("ERROR", "2026 ERROR disk full"));
  CHECK_FALSE(matches("ERROR", "2026 error disk full"));  // case-sensitive
  CHECK(matches("ERROR disk", "disk ERROR"));             // every term, any order
  CHECK_FALSE(matches("ERROR disk", "ERROR net"));
  CHECK(matches("\"disk full\"", "ERROR disk full now"));
  CHECK_FALSE(matches("\"disk full\"", "full disk"));
  CHECK(matches("\"say \\\"hi\\\"\"", "they say \"hi\""));
  CHECK(matches("?ERROR ?WARN", "WARN low battery"));
  CHECK(matches("?ERROR ?WARN", "ERROR fire"));
  CHECK_FALSE(matches("?ERROR ?WARN", "INFO ok"));
  CHECK(matches("\"ERROR\" -debug", "ERROR real problem"));
  CHECK_FALSE(matches("\"ERROR\" -debug", "ERROR debug noise"));
  CHECK_FALSE(matches("-debug", "debug"));
  CHECK(matches("-debug", "info"));
  CHECK(matches("-\"debug mode\"", "debug only"));
}

TEST_CASE("JSON filter patterns", "[model][logs]") {
  const std::string error = R"({"level":"error","latency":250,"user":{"id":"admin-7","tags":["a","b"]},"ok":false,"gone":null})";
  const std::string info = R"({"level":"info","latency":20,"user":{"id":"u1"},"ok":true})";
  CHECK(matches(R"({ $.level = "error" })", error));
  CHECK_FALSE(matches(R"({ $.level = "error" })", info));
  CHECK(matches(R"({$.level="error"})", error));
  CHECK(matches(R"({ $.level = error })", error));  // a bare word
  CHECK(matches(R"({ $.level != "error" })", info));
  CHECK(matches(R"({ $.latency > 100 })", error));
  CHECK_FALSE(matches(R"({ $.latency > 100 })", info));
  CHECK(matches(R"({ $.latency <= 20 })", info));
  CHECK(matches(R"({ $.latency = 250 })", error));
  CHECK(matches(R"({ $.user.id = "admin*" })", error));
  CHECK_FALSE(matches(R"({ $.user.id = "admin*" })", info));
  CHECK(matches(R"({ $.user.tags[1] = "b" })", error));
  CHECK(matches(R"({ $.level = "error" && $.latency > 100 })", error));
  CHECK_FALSE(matches(R"({ $.level = "error" && $.latency < 100 })", error));
  CHECK(matches(R"({ $.level = "debug" || ($.ok IS FALSE && $.gone IS NULL) })", error));
  CHECK(matches(R"({ $.ok IS TRUE })", info));
  CHECK(matches(R"({ $.missing NOT EXISTS })", info));
  CHECK_FALSE(matches(R"({ $.level NOT EXISTS })", info));
  CHECK_FALSE(matches(R"({ $.missing = "x" })", info));
  CHECK_FALSE(matches(R"({ $.level = "error" })", "ERROR not json"));
  CHECK_FALSE(matches(R"({ $.level = "error" })", "{broken"));
}

TEST_CASE("filter patterns berth refuses say why", "[model][logs]") {
  CHECK(refusal("[ip, user, status]").find("space-delimited") != std::string::npos);
  CHECK(refusal("%ERR.*%").find("regular-expression") != std::string::npos);
  CHECK(refusal("{ $.a = 1").find("ends with '}'") != std::string::npos);
  CHECK(refusal("{ level = 1 }").find("'$'") != std::string::npos);
  CHECK(refusal("{ $.a > high }").find("compare numbers") != std::string::npos);
  CHECK(refusal("{ $.a IS MAYBE }").find("NULL, TRUE or FALSE") != std::string::npos);
  CHECK(refusal("\"unterminated").find("unterminated") != std::string::npos);
  CHECK(refusal("? ERROR").find("followed by a term") != std::string::npos);
  CHECK(refusal(std::string(1025, 'a')).find("1024") != std::string::npos);
  CHECK(refusal("{ " + std::string(40, '(') + "$.a = 1" + std::string(40, ')') + " }").find("too deep") != std::string::npos);
  CHECK(refusal("ERROR").empty());
}

}  // namespace log_filter_pattern_test
