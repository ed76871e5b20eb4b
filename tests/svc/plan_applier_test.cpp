#include "svc/plan_applier.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "sched/task_placement.hpp"
#include "svc/actions.hpp"
#include "svc/tasks.hpp"

namespace plan_applier_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// An instance with room for one 64 MiB task.
std::string register_small_instance(svc::Context& ctx) {
  const Json resources = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":1024},
                                                          {"name":"MEMORY","type":"INTEGER","integerValue":64}]})");
  auto registered = testing::ecs_call(ctx, "RegisterContainerInstance", resources);
  REQUIRE(registered.has_value());
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
  return arn.substr(arn.rfind('/') + 1);
}

model::TaskDefinition register_job(svc::Context& ctx) {
  REQUIRE(testing::ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64}]})")).has_value());
  auto td = svc::runnable_task_definition_of(ctx, "job");
  REQUIRE(td.has_value());
  return *td;
}

// RunTask's request for `count` copies of `td` on the default cluster.
svc::StartTasks start_request(const model::TaskDefinition& td, int count = 1) {
  svc::StartTasks request;
  request.cluster = "default";
  request.definition = td;
  request.count = count;
  return request;
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "a plan made on rows that changed before its commit is made again on fresh rows", "[svc]") {
  register_small_instance(*ctx);
  const auto td = register_job(*ctx);
  auto stale = store->read_cluster_snapshot("default", store::SnapshotScope::placement);
  REQUIRE(stale.has_value());

  // Another placement fills the instance after the stale snapshot was read.
  auto first = svc::start_tasks(*ctx, start_request(td));
  REQUIRE(first.has_value());
  REQUIRE(first->tasks.size() == 1);

  sched::PlacementRequest placement;
  placement.definition = model::DefinitionState{"job", 1, false, false, 0, 64, {}, {}, {}, {}, {}};
  placement.group = "family:job";
  std::mt19937_64 rng(1);
  int plans = 0;
  const auto planner = [&](const model::ClusterSnapshot& snapshot) {
    ++plans;
    return sched::place_tasks(snapshot, placement, {}, rng, [&] { return "task" + std::to_string(plans); });
  };
  auto applied = svc::apply_plan(*ctx, "default", planner, {}, &*stale);
  REQUIRE(applied.has_value());
  CHECK(plans == 2);                    // the stale plan conflicted: planned again
  CHECK(applied->started.empty());      // fresh rows: no room left
  REQUIRE(applied->plan.failures.size() == 1);
  CHECK(applied->plan.failures.front().reason == "RESOURCE:MEMORY");
  store::TaskQuery all;
  auto tasks = store->list_tasks(all);
  REQUIRE(tasks.has_value());
  CHECK(tasks->size() == 1);            // the instance was never over-committed
}

TEST_CASE_METHOD(ServiceFixture, "a plan that keeps conflicting is given up after a bounded number of attempts", "[svc]") {
  const std::string instance = register_small_instance(*ctx);
  register_job(*ctx);
  int plans = 0;
  // A planner that insists on an instance that cannot take the task.
  const auto planner = [&](const model::ClusterSnapshot&) -> Result<sched::Plan> {
    ++plans;
    sched::Plan plan;
    plan.starts.push_back({"t" + std::to_string(plans), instance, "job", 1, "family:job", "", {}, {}});
    plan.starts.push_back({"u" + std::to_string(plans), instance, "job", 1, "family:job", "", {}, {}});
    return plan;
  };
  auto applied = svc::apply_plan(*ctx, "default", planner, {});
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().code == Code::server);
  CHECK(plans == 5);
  store::TaskQuery all;
  auto tasks = store->list_tasks(all);
  REQUIRE(tasks.has_value());
  CHECK(tasks->empty());  // nothing of a conflicting plan is written
}

TEST_CASE_METHOD(ServiceFixture, "start_tasks places what fits and reports where the rest did not fit", "[svc]") {
  register_small_instance(*ctx);
  const auto td = register_job(*ctx);
  auto started = svc::start_tasks(*ctx, start_request(td, 3));
  REQUIRE(started.has_value());
  CHECK(started->tasks.size() == 1);
  REQUIRE(started->failures.size() == 1);
  CHECK(started->failures.front().reason == "RESOURCE:MEMORY");
}

TEST_CASE_METHOD(ServiceFixture, "start_tasks reports no failure for the instances a placed task passed over", "[svc]") {
  register_small_instance(*ctx);
  const Json tiny = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":1024},
                                                     {"name":"MEMORY","type":"INTEGER","integerValue":32}]})");
  REQUIRE(testing::ecs_call(*ctx, "RegisterContainerInstance", tiny).has_value());
  const auto td = register_job(*ctx);
  const auto request = start_request(td);
  // Placed on the small instance; the tiny one could not have taken it, which is no failure
  // (clients such as the SDKs' waiters and schedulers take any failure for a task not run).
  auto placed = svc::start_tasks(*ctx, request);
  REQUIRE(placed.has_value());
  CHECK(placed->tasks.size() == 1);
  CHECK(placed->failures.empty());
  // Now neither can take one: each instance's reason is reported once.
  auto unplaced = svc::start_tasks(*ctx, request);
  REQUIRE(unplaced.has_value());
  CHECK(unplaced->tasks.empty());
  REQUIRE(unplaced->failures.size() == 2);
  CHECK(unplaced->failures[0].reason == "RESOURCE:MEMORY");
  CHECK(unplaced->failures[1].reason == "RESOURCE:MEMORY");
}

namespace {

const std::string k_digest_1 = "sha256:" + std::string(64, '1');
const std::string k_digest_2 = "sha256:" + std::string(64, '2');
const std::string k_digest_3 = "sha256:" + std::string(64, '3');

model::Task deployment_task(const std::string& id, EpochMs created_at,
                            std::vector<std::pair<std::string, std::string>> reported) {
  model::Task t;
  t.id = id;
  t.created_at = created_at;
  t.family = "job";
  t.revision = 1;
  t.group = "service:web";
  for (auto& [name, digest] : reported) {
    model::TaskContainer c;
    c.name = name;
    c.image = "busybox";
    c.image_digest = digest;
    t.containers.push_back(c);
  }
  return t;
}

}  // namespace

TEST_CASE("a deployment's digests are those its earliest tasks have, for containers not disabling them", "[svc]") {
  model::TaskDefinition td;
  td.family = "job";
  td.revision = 1;
  td.body = Json::parse(R"({"containerDefinitions":[{"name":"main","image":"busybox"},
                                                   {"name":"side","image":"busybox","versionConsistency":"disabled"},
                                                   {"name":"extra","image":"busybox","versionConsistency":"enabled"},
                                                   {"name":"new","image":"busybox"}]})");
  CHECK(svc::deployment_digests(td, {}).empty());
  auto pinned = deployment_task("c", 300, {{"main", k_digest_3}, {"extra", k_digest_3}});
  pinned.containers[1].pinned_digest = k_digest_1;  // started pinned: its pin counts, not what it reported
  const std::vector<model::Task> tasks = {
      deployment_task("a", 200, {{"main", k_digest_2}, {"side", k_digest_2}}),
      deployment_task("b", 100, {{"main", ""}, {"side", k_digest_1}}),  // oldest, nothing reported yet
      deployment_task("d", 150, {{"main", k_digest_1}}),
      pinned,
  };
  const auto pins = svc::deployment_digests(td, tasks);
  CHECK(pins == std::map<std::string, std::string>{{"main", k_digest_1}, {"extra", k_digest_1}});

  // Older tasks that carry the deployment id but are not the service's own (RunTask takes any
  // startedBy): another definition, another group, or another image under the same name.
  auto other_family = deployment_task("e", 10, {{"main", k_digest_3}});
  other_family.family = "evil";
  auto by_hand = deployment_task("f", 20, {{"main", k_digest_3}});
  by_hand.group = "family:job";
  auto other_image = deployment_task("g", 30, {{"main", k_digest_3}});
  other_image.containers[0].image = "attacker/image";
  std::vector<model::Task> mixed = tasks;
  mixed.insert(mixed.end(), {other_family, by_hand, other_image});
  CHECK(svc::deployment_digests(td, mixed) == pins);
}

TEST_CASE_METHOD(ServiceFixture, "service starts are pinned to their deployment's digest; other starts are not", "[svc]") {
  const Json resources = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                                          {"name":"MEMORY","type":"INTEGER","integerValue":1024}]})");
  auto registered = testing::ecs_call(*ctx, "RegisterContainerInstance", resources);
  REQUIRE(registered.has_value());
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
  const std::string instance = arn.substr(arn.rfind('/') + 1);
  register_job(*ctx);
  const auto start = [&](const std::string& id, const std::string& started_by, svc::DigestPinning pinning) {
    const auto planner = [&](const model::ClusterSnapshot&) -> Result<sched::Plan> {
      sched::Plan plan;
      plan.starts.push_back({id, instance, "job", 1, "service:web", started_by, {}, {}});
      return plan;
    };
    svc::PlanOptions options;
    options.pinning = pinning;
    auto applied = svc::apply_plan(*ctx, "default", planner, options);
    REQUIRE(applied.has_value());
    REQUIRE(applied->started.size() == 1);
    auto stored = store->find_task("default", id);
    REQUIRE(stored.has_value());
    REQUIRE(stored->has_value());
    CHECK((*stored)->containers[0].pinned_digest == applied->started[0].containers[0].pinned_digest);
    return applied->started[0];
  };
  using enum svc::DigestPinning;
  // The deployment's first task resolves the tag: nothing to pin to yet.
  auto first = start("a", "ecs-svc/1", per_deployment);
  CHECK(first.containers[0].pinned_digest.empty());
  first.containers[0].image_digest = k_digest_1;  // its agent reports what the tag resolved to
  auto reported = store->replace_task(first, first.version);
  REQUIRE(reported.has_value());
  REQUIRE(*reported);
  CHECK(start("b", "ecs-svc/1", per_deployment).containers[0].pinned_digest == k_digest_1);
  CHECK(start("c", "ecs-svc/2", per_deployment).containers[0].pinned_digest.empty());  // a new deployment
  CHECK(start("d", "ecs-svc/1", none).containers[0].pinned_digest.empty());  // RunTask: per task
}

}  // namespace plan_applier_test
