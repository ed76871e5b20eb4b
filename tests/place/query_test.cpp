#include "place/query.hpp"

#include <catch2/catch.hpp>

namespace query_test {

using namespace berth;
using namespace berth::place;

namespace {

InstanceFacts gateway() {
  InstanceFacts f;
  f.id = "i1";
  f.ec2_instance_id = "mi-0123";
  f.attributes = {{"ecs.instance-type", "t2.micro"}, {"ecs.availability-zone", "us-east-1a"}, {"site", "plant-7"},
                  {"gpu", ""}};
  f.agent_version = "1.10.2";
  f.registered_at = 1529360908000;  // 2018-06-18T22:28:28Z
  f.running_tasks = 3;
  f.task_groups = {"service:web", "family:batch"};
  return f;
}

bool matches(const std::string& text) {
  auto e = parse_expression(text);
  INFO(text << (e ? "" : " → " + e.error().message));
  REQUIRE(e.has_value());
  return e->matches(gateway());
}

}  // namespace

TEST_CASE("query language: operators and their word forms", "[place]") {
  CHECK(matches("attribute:site == plant-7"));
  CHECK(matches("attribute:site equals plant-7"));
  CHECK(matches("attribute:site != plant-8"));
  CHECK(matches("attribute:site not_equals plant-8"));
  CHECK(matches("attribute:ecs.instance-type =~ t2.*"));
  CHECK(matches("attribute:ecs.instance-type matches t2\\.micro"));
  CHECK_FALSE(matches("attribute:ecs.instance-type !~ t2.*"));
  CHECK(matches("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"));
  CHECK(matches("attribute:ecs.availability-zone not_in [us-east-1c]"));
  CHECK_FALSE(matches("attribute:ecs.availability-zone !in [us-east-1a]"));
  CHECK(matches("attribute:gpu exists"));
  CHECK(matches("attribute:missing !exists"));
  CHECK(matches("attribute:missing not_exists"));
  CHECK(matches("runningTasksCount > 2"));
  CHECK(matches("runningTasksCount >= 3"));
  CHECK(matches("runningTasksCount less_than 4"));
  CHECK_FALSE(matches("runningTasksCount <= 2"));
  CHECK(matches("agentVersion >= 1.9.10"));
  CHECK(matches("agentVersion < 1.10.10"));
  CHECK(matches("registeredAt > 2018-06-18"));
  CHECK(matches("registeredAt < 2018-06-19T00:00:00Z"));
  CHECK(matches("ec2InstanceId in [mi-0123, mi-0456]"));
  CHECK(matches("agentConnected == true"));
  CHECK(matches("task:group == service:web"));
  CHECK(matches("not(task:group == database)"));
}

TEST_CASE("query language: and, or, not and parentheses", "[place]") {
  CHECK(matches("attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d"));
  CHECK(matches("attribute:site == x || attribute:site == plant-7"));
  CHECK_FALSE(matches("attribute:site == x && attribute:site == plant-7"));
  CHECK(matches("!(attribute:site == x)"));
  CHECK(matches("(attribute:site == x or runningTasksCount == 3) and agentConnected == true"));
  CHECK_FALSE(matches("attribute:site == x or runningTasksCount == 3 and agentConnected == false"));
}

TEST_CASE("query language: errors name the position", "[place]") {
  auto bad_subject = parse_expression("attr:site == x");
  REQUIRE_FALSE(bad_subject.has_value());
  CHECK(bad_subject.error().code == Code::invalid_parameter);
  CHECK(bad_subject.error().message.find("position 1") != std::string::npos);
  auto bad_operator = parse_expression("attribute:site === x");
  REQUIRE_FALSE(bad_operator.has_value());
  CHECK(bad_operator.error().message.find("position 16") != std::string::npos);
  CHECK_FALSE(parse_expression("(attribute:site == x").has_value());
  CHECK_FALSE(parse_expression("attribute:site in [a, b").has_value());
  CHECK_FALSE(parse_expression("attribute:site =~ (").has_value());
  CHECK_FALSE(parse_expression(std::string(2001, 'a')).has_value());
}

// Found by the query fuzzer: a long run of digits overflowed the version comparison (UB).
TEST_CASE("query language: version parts of any length compare as numbers", "[place]") {
  CHECK(matches("agentVersion < 33333333333333333333333333333333333.0"));
  CHECK(matches("agentVersion > 1.10.1"));
  CHECK(matches("agentVersion == 1.010.02"));
  CHECK_FALSE(matches("agentVersion >= 99999999999999999999999"));
}

// Found by the query fuzzer: a long backreference number overflowed inside std::regex's compiler
// (UB); huge counts go through the same code, and every repetition multiplies backtracking.
TEST_CASE("query language: matches patterns that could blow up are refused", "[place]") {
  for (const char* bad : {"attribute:site =~ a{6666666666666666666}", "attribute:site =~ a{101}", "attribute:site =~ a{2,1000}",
                          "attribute:site =~ a*a*a*a*a*a*a*a*a*a*b", "attribute:site =~ a?b+c*d{2,}",
                          "attribute:site =~ x\\\\\\66666666666666666666", "attribute:site =~ a\\1",
                          // \cX takes any X, a backslash too: the next \ starts a backreference.
                          "attribute:site =~ \\c\\\\99999999999999999999", "attribute:site =~ [\\c\\]\\99999999999999999999"}) {
    INFO(bad);
    const auto refused = parse_expression(bad);
    REQUIRE_FALSE(refused.has_value());
    // Refused before std::regex sees it: its compiler is where the counts overflow.
    CHECK(refused.error().message.find("without backreferences") != std::string::npos);
  }
  CHECK(matches("attribute:site =~ plant-[0-9]{1,3}"));
  CHECK(matches("attribute:site =~ plan+t-7*"));
  CHECK(matches("attribute:ecs.instance-type =~ t[0-9]{1}\\.micro"));
}

}  // namespace query_test
