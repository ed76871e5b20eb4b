#include "svc/service_scheduler.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

namespace service_scheduler_test {

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

namespace {

// Passes until one finds nothing to plan (at most 10); returns how many planned.
int passes_until_quiet(svc::ServiceScheduler& scheduler) {
  int planned = 0;
  while (planned < 10 && scheduler.pass()) ++planned;
  return planned;
}

std::vector<model::Task> web_tasks(store::Store& store) {
  store::TaskQuery query;
  query.cluster = "default";
  query.group = "service:web";
  query.not_stopped = true;
  auto tasks = store.list_tasks(query);
  REQUIRE_OK(tasks);
  return *tasks;
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "the scheduler at rest plans again only after a write, a wake or a timed rule's moment",
                 "[svc]") {
  const Json resources = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                                          {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})");
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterContainerInstance", resources));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"web","taskDefinition":"job","desiredCount":1})")));
  svc::ServiceScheduler scheduler(*ctx, 10'000);
  CHECK(passes_until_quiet(scheduler) >= 1);
  REQUIRE(web_tasks(*store).size() == 1);
  // Nothing written, no rule that reads the clock due: the ticks read nothing.
  CHECK_FALSE(scheduler.pass());
  clock.advance_ms(5'000);
  CHECK_FALSE(scheduler.pass());

  SECTION("a write (here the agent's: the task runs) makes the next tick plan") {
    auto task = web_tasks(*store).front();
    const long long version = task.version;
    task.last_status = model::TaskStatus::running;
    task.started_at = clock.now_ms();
    for (auto& c : task.containers) c.last_status = model::TaskStatus::running;
    auto replaced = store->replace_task(task, version);
    REQUIRE_OK(replaced);
    REQUIRE(*replaced);
    CHECK(passes_until_quiet(scheduler) >= 1);
    CHECK_FALSE(scheduler.pass());
    // The task becomes healthy 10 s after it started, with nothing written: the tick then plans
    // (and the deployment reaches its steady state).
    clock.advance_ms(9'999);
    CHECK_FALSE(scheduler.pass());
    clock.advance_ms(1);
    CHECK(scheduler.pass());
    auto service = store->find_service("default", "web");
    REQUIRE_OK(service);
    CHECK((*service)->deployments.front().rollout_state == "COMPLETED");
  }
  SECTION("a change through the API reaches the next tick") {
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 3}}));
    CHECK(passes_until_quiet(scheduler) >= 1);
    CHECK(web_tasks(*store).size() == 3);
  }
  SECTION("a wake makes the next pass plan") {
    scheduler.wake();
    CHECK(scheduler.pass());
    CHECK_FALSE(scheduler.pass());
  }
  SECTION("at rest, a pass still runs once a minute") {
    clock.advance_ms(55'000);
    CHECK(scheduler.pass());
  }
}

}  // namespace service_scheduler_test
