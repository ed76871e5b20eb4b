#include "svc/service_scheduler.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

std::string instance_id_of(const Json& registered) {
  const std::string arn = registered["containerInstance"]["containerInstanceArn"];
  return arn.substr(arn.rfind('/') + 1);
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "service scale-in stops tasks by the service's strategy, not in list order", "[svc]") {
  const Json resources = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                                          {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})");
  auto a = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", resources);
  auto b = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", resources);
  REQUIRE_OK(a);
  REQUIRE_OK(b);
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"web","taskDefinition":"job","desiredCount":4})")));
  auto service = store->find_service("default", "web");
  REQUIRE_OK(service);
  const std::string deployment = (*service)->deployments.front().id;

  // Three tasks on instance a, one on b; b's sorts first, so stopping in list order would take it.
  std::vector<model::Task> tasks;
  const std::vector<std::pair<std::string, std::string>> placed = {
      {"00000000000000000000000000000000", instance_id_of(*b)}, {"a1000000000000000000000000000000", instance_id_of(*a)},
      {"a2000000000000000000000000000000", instance_id_of(*a)}, {"a3000000000000000000000000000000", instance_id_of(*a)}};
  for (const auto& [id, instance] : placed) {
    model::Task t;
    t.id = id;
    t.cluster = "default";
    t.family = "job";
    t.revision = 1;
    t.container_instance_id = instance;
    t.group = "service:web";
    t.started_by = deployment;
    t.last_status = model::TaskStatus::running;
    t.created_at = clock.now_ms();
    t.started_at = clock.now_ms();
    model::TaskContainer c;
    c.name = "main";
    c.image = "busybox";
    c.last_status = model::TaskStatus::running;
    t.containers.push_back(c);
    tasks.push_back(t);
  }
  auto inserted = store->insert_tasks(tasks, {});
  REQUIRE_OK(inserted);
  REQUIRE(*inserted);
  clock.advance_ms(60'000);  // past the settle time: all four count as healthy

  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 2}}));
  svc::ServiceScheduler scheduler(*ctx);
  scheduler.pass();

  std::map<std::string, int> left;
  for (const auto& [id, instance] : placed) {
    auto task = store->find_task("default", id);
    REQUIRE_OK(task);
    if ((*task)->desired_status == model::TaskStatus::running) ++left[instance];
  }
  // ECS's default for services spreads by instance: one task stays on each.
  CHECK(left[instance_id_of(*a)] == 1);
  CHECK(left[instance_id_of(*b)] == 1);
}
