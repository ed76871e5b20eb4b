#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "svc/elb.hpp"
#include "svc/elb_worker.hpp"

namespace elb_test {

using namespace berth;

namespace {

struct ElbFixture : berth::testing::ServiceFixture {
  model::TargetGroup group(std::string name, std::string protocol = "TCP") {
    model::TargetGroup tg;
    tg.name = std::move(name);
    tg.protocol = protocol;
    tg.health.protocol = protocol;
    tg.port = 80;
    tg.health.interval_seconds = 5;
    tg.health.timeout_seconds = 2;
    tg.health.healthy_threshold = 2;
    tg.health.unhealthy_threshold = 2;
    auto made = svc::create_target_group(*ctx, tg);
    REQUIRE(made.has_value());
    return *made;
  }
  model::LoadBalancer load_balancer(std::string name, model::LbType type) {
    auto lb = svc::create_load_balancer(*ctx, {std::move(name), type, "internet-facing"});
    REQUIRE(lb.has_value());
    return *lb;
  }
};

}  // namespace

TEST_CASE_METHOD(ElbFixture, "ELB: load balancers, listeners and their errors", "[svc][elb]") {
  const auto nlb = load_balancer("edge", model::LbType::network);
  CHECK(nlb.arn.starts_with("arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/net/edge/"));
  // The same create again answers the same load balancer; other settings are a duplicate.
  CHECK(svc::create_load_balancer(*ctx, {"edge", model::LbType::network, "internet-facing"})->arn == nlb.arn);
  CHECK(svc::create_load_balancer(*ctx, {"edge", model::LbType::application, "internet-facing"}).error().code ==
        Code::duplicate_load_balancer_name);
  CHECK(svc::create_load_balancer(*ctx, {"-bad", model::LbType::network, "internet-facing"}).error().code == Code::validation);

  const auto tg = group("web");
  auto listener = svc::create_listener(*ctx, {nlb.arn, "TCP", 8080, tg.arn});
  REQUIRE(listener.has_value());
  CHECK(listener->arn.find(":listener/net/edge/") != std::string::npos);
  CHECK(svc::create_listener(*ctx, {nlb.arn, "TCP", 8080, tg.arn}).error().code == Code::duplicate_listener);
  CHECK(svc::create_listener(*ctx, {nlb.arn, "HTTP", 8081, tg.arn}).error().code == Code::invalid_configuration_request);
  CHECK(svc::create_listener(*ctx, {nlb.arn + "x", "TCP", 8081, tg.arn}).error().code == Code::load_balancer_not_found);
  CHECK(svc::create_listener(*ctx, {nlb.arn, "TCP", 8081, tg.arn + "x"}).error().code == Code::target_group_not_found);
  CHECK(svc::describe_load_balancers(*ctx, {}, {"nope"}).error().code == Code::load_balancer_not_found);

  // A group a listener forwards to is in use; deleting the load balancer takes its listeners.
  CHECK(svc::delete_target_group(*ctx, tg.arn).error().code == Code::resource_in_use);
  auto views = svc::describe_target_groups(*ctx, {tg.arn}, {}, "");
  REQUIRE(views.has_value());
  CHECK(views->at(0).load_balancer_arns == std::vector<std::string>{nlb.arn});
  REQUIRE(svc::delete_load_balancer(*ctx, nlb.arn).has_value());
  CHECK(svc::describe_listeners(*ctx, "", {listener->arn}).error().code == Code::listener_not_found);
  CHECK(svc::delete_target_group(*ctx, tg.arn).has_value());
  CHECK(svc::describe_target_groups(*ctx, {tg.arn}, {}, "").error().code == Code::target_group_not_found);
}

TEST_CASE_METHOD(ElbFixture, "ELB: rules of application listeners", "[svc][elb]") {
  const auto alb = load_balancer("app", model::LbType::application);
  const auto a = group("a", "HTTP"), b = group("b", "HTTP");
  auto listener = svc::create_listener(*ctx, {alb.arn, "HTTP", 8090, a.arn});
  REQUIRE(listener.has_value());
  model::ListenerRule rule;
  rule.listener_arn = listener->arn;
  rule.priority = 10;
  rule.conditions = {{"path-pattern", {"/b*"}}};
  rule.target_group_arn = b.arn;
  REQUIRE(svc::create_rule(*ctx, rule).has_value());
  CHECK(svc::create_rule(*ctx, rule).error().code == Code::priority_in_use);
  rule.priority = 11;
  rule.conditions = {{"query-string", {"x"}}};
  CHECK(svc::create_rule(*ctx, rule).error().code == Code::validation);
  auto rules = svc::describe_rules(*ctx, listener->arn, {});
  REQUIRE(rules.has_value());
  REQUIRE(rules->size() == 2);  // the rule, then the default
  CHECK(rules->at(0).priority == 10);
  CHECK(rules->at(1).priority == 0);
  CHECK(rules->at(1).target_group_arn == a.arn);
}

TEST_CASE_METHOD(ElbFixture, "ELB worker: health checks decide the endpoints; fail-open when none is healthy",
                 "[svc][elb]") {
  const auto nlb = load_balancer("edge", model::LbType::network);
  const auto tg = group("web");
  REQUIRE(svc::create_listener(*ctx, {nlb.arn, "TCP", 8080, tg.arn}).has_value());
  REQUIRE(svc::register_targets(*ctx, tg.arn, {{"", "10.0.0.1", 80}, {"", "10.0.0.2", 80}}).has_value());

  std::map<std::string, std::string> failing;  // address → what its probe says
  std::vector<model::DataPlan> applied;
  int probes = 0;
  svc::ElbWorker worker(*ctx, {.probe = [&](const model::Endpoint& e, int, const model::HealthCheck&) {
                                 ++probes;
                                 return failing.contains(e.address) ? failing[e.address] : std::string();
                               },
                               .apply = [&](const model::DataPlan& plan) -> Result<void> {
                                 applied.push_back(plan);
                                 return {};
                               }});
  const auto endpoints = [&] { return applied.back().tcp.at(0).endpoints; };
  failing["10.0.0.2"] = "connection refused";
  worker.pass();
  // Both initial: nothing is healthy, so both take traffic (fail-open).
  REQUIRE(applied.size() == 1);
  CHECK(endpoints().size() == 2);
  CHECK(probes == 2);
  worker.pass();  // no check is due yet: nothing probed, nothing re-applied
  CHECK(probes == 2);
  CHECK(applied.size() == 1);
  clock.advance_ms(5'000);
  worker.pass();  // the second pass of 10.0.0.1 makes it healthy; 10.0.0.2 is unhealthy
  REQUIRE(applied.size() == 2);
  CHECK(endpoints() == std::vector<model::Endpoint>{{"10.0.0.1", 80}});
  auto health = svc::describe_target_health(*ctx, tg.arn, {});
  REQUIRE(health.has_value());
  REQUIRE(health->size() == 2);
  CHECK(health->at(0).state == model::TargetState::healthy);
  CHECK(health->at(1).state == model::TargetState::unhealthy);
  CHECK(health->at(1).reason.reason == "Target.FailedHealthChecks");

  // The healthy one fails: both unhealthy, both take traffic again.
  failing["10.0.0.1"] = "timed out";
  for (int i = 0; i < 2; ++i) {
    clock.advance_ms(5'000);
    worker.pass();
  }
  CHECK(endpoints().size() == 2);
  failing.clear();
  for (int i = 0; i < 2; ++i) {
    clock.advance_ms(5'000);
    worker.pass();
  }
  CHECK(endpoints().size() == 2);
  REQUIRE(svc::deregister_targets(*ctx, tg.arn, {{"", "10.0.0.2", 80}}).has_value());
  worker.pass();
  CHECK(endpoints() == std::vector<model::Endpoint>{{"10.0.0.1", 80}});
  CHECK(svc::deregister_targets(*ctx, tg.arn, {{"", "10.0.0.2", 80}}).error().code == Code::invalid_target);
}

TEST_CASE_METHOD(ElbFixture, "ELB: deregistration delay attribute", "[svc][elb]") {
  const auto tg = group("web");
  auto attributes = svc::describe_target_group_attributes(*ctx, tg.arn);
  REQUIRE(attributes.has_value());
  CHECK(attributes->at(0) == std::pair<std::string, std::string>{"deregistration_delay.timeout_seconds", "300"});
  REQUIRE(svc::modify_target_group_attributes(*ctx, tg.arn, {{"deregistration_delay.timeout_seconds", "5"}}).has_value());
  CHECK(svc::describe_target_group_attributes(*ctx, tg.arn)->at(0).second == "5");
  CHECK(svc::modify_target_group_attributes(*ctx, tg.arn, {{"deregistration_delay.timeout_seconds", "4000"}}).error().code ==
        Code::validation);
  CHECK(svc::modify_target_group_attributes(*ctx, tg.arn, {{"stickiness.enabled", "true"}}).error().code == Code::validation);
}

}  // namespace elb_test
