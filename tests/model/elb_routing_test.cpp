#include <catch2/catch.hpp>

#include "model/elb.hpp"

namespace elb_routing_test {

using namespace berth;

namespace {

model::ListenerRule rule(int priority, std::string field, std::vector<std::string> values, std::string group) {
  model::ListenerRule r;
  r.arn = "rule-" + std::to_string(priority);
  r.listener_arn = "l1";
  r.priority = priority;
  r.conditions.push_back({std::move(field), std::move(values)});
  r.target_group_arn = std::move(group);
  return r;
}

}  // namespace

TEST_CASE("HTTP routing: the matching rule of lowest priority wins, else the default", "[model][elb]") {
  model::Listener listener;
  listener.arn = "l1";
  listener.default_target_group_arn = "default";
  const std::vector<model::ListenerRule> rules = {
      rule(1, "path-pattern", {"/a", "/a/*"}, "a"),
      rule(2, "path-pattern", {"/b*"}, "b"),
      rule(3, "host-header", {"*.example.com"}, "host"),
      rule(4, "path-pattern", {"/?"}, "one-char"),
  };
  CHECK(model::route_request(listener, rules, "x", "/a") == "a");
  CHECK(model::route_request(listener, rules, "x", "/a/deep/er") == "a");
  CHECK(model::route_request(listener, rules, "x", "/ab") == "default");
  CHECK(model::route_request(listener, rules, "x", "/b") == "b");
  CHECK(model::route_request(listener, rules, "x", "/bcd") == "b");
  CHECK(model::route_request(listener, rules, "API.Example.COM", "/c") == "host");
  CHECK(model::route_request(listener, rules, "example.com", "/cc") == "default");
  CHECK(model::route_request(listener, rules, "x", "/z") == "one-char");
  // A rule of another listener never applies.
  auto other = rules;
  other[0].listener_arn = "l2";
  CHECK(model::route_request(listener, other, "x", "/ab") == "default");
}

TEST_CASE("HTTP routing: every condition of a rule must hold", "[model][elb]") {
  auto r = rule(1, "path-pattern", {"/api/*"}, "api");
  r.conditions.push_back({"host-header", {"api.local"}});
  CHECK(model::rule_matches(r, "api.local", "/api/x"));
  CHECK_FALSE(model::rule_matches(r, "web.local", "/api/x"));
  CHECK_FALSE(model::rule_matches(r, "api.local", "/web"));
}

TEST_CASE("matchers: codes, lists and ranges; what ELB accepts", "[model][elb]") {
  CHECK(model::status_matches("200", 200));
  CHECK_FALSE(model::status_matches("200", 204));
  CHECK(model::status_matches("200,204", 204));
  CHECK(model::status_matches("200-299", 250));
  CHECK_FALSE(model::status_matches("200-299", 301));
  CHECK(model::valid_matcher("200-399"));
  CHECK(model::valid_matcher("200,302"));
  CHECK_FALSE(model::valid_matcher("100"));
  CHECK_FALSE(model::valid_matcher("299-200"));
  CHECK_FALSE(model::valid_matcher("2x0"));
  CHECK_FALSE(model::valid_matcher(""));
}

}  // namespace elb_routing_test
