// The deregistration delay of a service's tasks behind a load balancer (svc/elb_drain.hpp) as the
// service scheduler applies it: a scale-in or a delete drains the tasks for the delay, then stops
// them — also when the service is deleted (DRAINING) while its tasks drain.
#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/elb.hpp"
#include "svc/service_scheduler.hpp"

namespace elb_drain_test {

using namespace berth;
using berth::testing::Json;

namespace {

constexpr int k_delay_seconds = 5;

struct DrainFixture : berth::testing::ServiceFixture {
  std::string target_group_arn;

  // A target group with a 5 s deregistration delay and a service "web" of `count` RUNNING tasks
  // registered into it, past the settle time.
  void service_behind_a_load_balancer(int count) {
    model::TargetGroup tg;
    tg.name = "web";
    tg.protocol = tg.health.protocol = "TCP";
    tg.port = 80;
    auto made = svc::create_target_group(*ctx, tg);
    REQUIRE_OK(made);
    target_group_arn = made->arn;
    REQUIRE_OK(svc::modify_target_group_attributes(
        *ctx, target_group_arn, {{"deregistration_delay.timeout_seconds", std::to_string(k_delay_seconds)}}));
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web",
        "networkMode":"bridge","containerDefinitions":[{"name":"web","image":"busybox","memory":16,
        "portMappings":[{"containerPort":8080,"hostPort":0}]}]})")));
    REQUIRE_OK(berth::testing::ecs_call(
        *ctx, "CreateService",
        Json{{"serviceName", "web"}, {"taskDefinition", "web"}, {"desiredCount", count},
             {"loadBalancers", Json::array({Json{{"targetGroupArn", target_group_arn}, {"containerName", "web"},
                                                 {"containerPort", 8080}}})}}));
    svc::ServiceScheduler(*ctx).pass();  // places the tasks
    auto tasks = store->list_tasks(svc::live_tasks_of(service()));
    REQUIRE_OK(tasks);
    REQUIRE(tasks->size() == static_cast<size_t>(count));
    for (auto& t : *tasks) {  // as the agent reports them
      t.last_status = model::TaskStatus::running;
      t.started_at = clock.now_ms();
      for (auto& c : t.containers) c.last_status = model::TaskStatus::running;
      auto written = store->replace_task(t, t.version);
      REQUIRE_OK(written);
      REQUIRE(*written);
    }
    clock.advance_ms(60'000);
  }
  model::Service service() {
    auto s = store->find_service("default", "web");
    REQUIRE_OK(s);
    REQUIRE(s->has_value());
    return **s;
  }
  // The service's tasks still desired RUNNING.
  size_t desired_running() {
    auto tasks = store->list_tasks(svc::live_tasks_of(service()));
    REQUIRE_OK(tasks);
    return tasks->size();
  }
};

}  // namespace

TEST_CASE_METHOD(DrainFixture, "ELB drain: a scale-in stops its tasks after the deregistration delay",
                 "[svc][elb]") {
  service_behind_a_load_balancer(2);
  svc::ServiceScheduler scheduler(*ctx);
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 1}}));
  scheduler.pass();
  CHECK(desired_running() == 2);  // one draining
  clock.advance_ms(k_delay_seconds * 1000 - 1);
  scheduler.pass();
  CHECK(desired_running() == 2);
  clock.advance_ms(1);
  scheduler.pass();
  CHECK(desired_running() == 1);
}

TEST_CASE_METHOD(DrainFixture, "ELB drain: a deleted service's draining tasks stop after the delay, then it is INACTIVE",
                 "[svc][elb]") {
  service_behind_a_load_balancer(2);
  svc::ServiceScheduler scheduler(*ctx);
  SECTION("delete --force at once") {
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeleteService", Json{{"service", "web"}, {"force", true}}));
    scheduler.pass();
  }
  SECTION("scale to 0, then delete --force while the tasks drain") {
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 0}}));
    scheduler.pass();
    clock.advance_ms(1'000);
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeleteService", Json{{"service", "web"}, {"force", true}}));
    scheduler.pass();
  }
  // As ECS: deregistered first, the delay honoured, the service DRAINING until its tasks stop.
  CHECK(desired_running() == 2);
  CHECK(service().status == model::ServiceStatus::draining);
  clock.advance_ms(k_delay_seconds * 1000);
  scheduler.pass();
  CHECK(desired_running() == 0);
  scheduler.pass();
  CHECK(service().status == model::ServiceStatus::inactive);
}

}  // namespace elb_drain_test
