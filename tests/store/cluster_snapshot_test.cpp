#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "model/cluster_snapshot_codec.hpp"
#include "store/store.hpp"

namespace cluster_snapshot_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// Registers instance `id` with 1024 CPU, 450 MiB and port 22 kept for the host.
void add_instance(store::Store& store, const std::string& id) {
  auto added = store.update_container_instance(
      "default", id,
      [](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
        ci.body["registeredResources"] = Json::parse(R"([{"name":"CPU","integerValue":1024},
            {"name":"MEMORY","integerValue":450},{"name":"PORTS","stringSetValue":["22"]}])");
        return {};
      },
      store::IfMissing::create);
  REQUIRE(added.has_value());
}

model::Task bridge_task(const std::string& id, const std::string& instance, int host_port) {
  model::Task t;
  t.id = id;
  t.cluster = "default";
  t.family = "python-app";
  t.revision = 1;
  t.container_instance_id = instance;
  model::TaskContainer c;
  c.name = "webapp";
  c.network_bindings.push_back({{"hostPort", host_port}, {"containerPort", 8080}, {"protocol", "tcp"}});
  t.containers.push_back(c);
  return t;
}

// python-app with a dynamic host port: each task holds only the port bound to it.
Json dynamic_port_def() {
  Json td = testing::make_task_def();
  td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 0;
  return td;
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "snapshot: instances hold their tasks' reservations and bound ports", "[store]") {
  add_instance(*store, "i1");
  REQUIRE(store->register_task_definition("python-app", dynamic_port_def(), {}, 1).has_value());
  auto inserted = store->insert_tasks({bridge_task("t1", "i1", 80)}, {});
  REQUIRE(inserted.has_value());
  auto snapshot = store->read_cluster_snapshot("default", store::SnapshotScope::placement);
  REQUIRE(snapshot.has_value());
  REQUIRE(snapshot->instances.size() == 1);
  const auto& i1 = snapshot->instances.front();
  CHECK(i1.capacity.reserved_tcp == std::set<int>{22});
  CHECK(i1.use.cpu == 100);
  CHECK(i1.use.memory == 100);
  CHECK(i1.use.tcp_ports == std::set<int>{80});
  CHECK(i1.use.pending == 1);
  REQUIRE(snapshot->tasks.size() == 1);
  CHECK(snapshot->definition("python-app", 1) != nullptr);
}

TEST_CASE_METHOD(ServiceFixture, "a plan commit re-checks host ports and resources against the rows", "[store]") {
  add_instance(*store, "i1");
  auto td = store->register_task_definition("python-app", dynamic_port_def(), {}, 1);
  REQUIRE(td.has_value());
  REQUIRE(store->insert_tasks({bridge_task("t1", "i1", 80)}, {}).has_value());
  const auto commit_of = [&](const std::string& id, int port) {
    store::PlanCommit commit;
    commit.cluster = "default";
    auto t = bridge_task(id, "i1", port);
    commit.starts.push_back({t, model::task_state_of(t, &*td), {}});
    return commit;
  };
  auto taken = store->commit_plan(commit_of("t2", 80));      // held by t1
  REQUIRE(taken.has_value());
  CHECK_FALSE(*taken);
  auto reserved = store->commit_plan(commit_of("t3", 22));   // kept for the host
  REQUIRE(reserved.has_value());
  CHECK_FALSE(*reserved);
  auto free_port = store->commit_plan(commit_of("t4", 81));
  REQUIRE(free_port.has_value());
  CHECK(*free_port);
  // 450 MiB, 100 per task, two placed: two more fit, three do not (and then none is written).
  store::PlanCommit too_many;
  too_many.cluster = "default";
  for (int i = 0; i < 3; ++i) {
    auto t = bridge_task("m" + std::to_string(i), "i1", 90 + i);
    too_many.starts.push_back({t, model::task_state_of(t, &*td), {}});
  }
  auto over = store->commit_plan(too_many);
  REQUIRE(over.has_value());
  CHECK_FALSE(*over);
  too_many.starts.pop_back();
  auto fits = store->commit_plan(too_many);
  REQUIRE(fits.has_value());
  CHECK(*fits);
  auto tasks = store->list_tasks(store::TaskQuery{});
  REQUIRE(tasks.has_value());
  CHECK(tasks->size() == 4);
}

TEST_CASE_METHOD(ServiceFixture, "a plan commit checks against the snapshot it was placed on only while nothing changed since",
                 "[store]") {
  add_instance(*store, "i1");
  auto td = store->register_task_definition("python-app", dynamic_port_def(), {}, 1);
  REQUIRE(td.has_value());
  const auto commit_on = [&](const model::ClusterSnapshot& placed_on, const std::string& id, int port) {
    store::PlanCommit commit;
    commit.cluster = "default";
    auto t = bridge_task(id, "i1", port);
    commit.starts.push_back({t, model::task_state_of(t, &*td), {}});
    commit.placed_on = &placed_on;
    auto committed = store->commit_plan(commit);
    REQUIRE(committed.has_value());
    return *committed;
  };
  auto first = store->read_cluster_snapshot("default", store::SnapshotScope::placement);
  REQUIRE(first.has_value());
  REQUIRE(first->change_count.has_value());
  CHECK(commit_on(*first, "t1", 80));
  // That commit moved the count: a plan placed on the same snapshot, where port 80 was free, is
  // checked against the rows again, which hold it.
  auto stale = *first;
  CHECK_FALSE(commit_on(stale, "t2", 80));
  // Port 81 was free then and still is.
  CHECK(commit_on(stale, "t3", 81));
  // A write of another kind in between (a task inserted directly) moves it too.
  auto second = store->read_cluster_snapshot("default", store::SnapshotScope::placement);
  REQUIRE(second.has_value());
  REQUIRE(store->insert_tasks({bridge_task("t4", "i1", 82)}, {}).has_value());
  CHECK_FALSE(commit_on(*second, "t5", 82));
  // With nothing in between, the snapshot placed on is what the check uses: one that says the
  // instance is drained refuses the start (a re-read would find it active).
  auto third = store->read_cluster_snapshot("default", store::SnapshotScope::placement);
  REQUIRE(third.has_value());
  REQUIRE(third->instances.size() == 1);
  third->instances[0].status = model::InstanceStatus::draining;
  CHECK_FALSE(commit_on(*third, "t6", 83));
  auto tasks = store->list_tasks(store::TaskQuery{});
  REQUIRE(tasks.has_value());
  CHECK(tasks->size() == 3);  // t1, t3, t4
}

TEST_CASE_METHOD(ServiceFixture, "snapshot: placement reads the tasks that hold resources, services also their primaries' stopped",
                 "[store]") {
  add_instance(*store, "i1");
  REQUIRE(store->register_task_definition("python-app", dynamic_port_def(), {}, 1).has_value());
  model::Service service;
  service.cluster = "default";
  service.name = "web";
  model::Deployment primary;
  primary.id = "ecs-svc/1111111111111111111";
  primary.family = "python-app";
  primary.revision = 1;
  service.deployments.push_back(primary);
  REQUIRE(store->create_service(service, {}).has_value());
  const auto task = [](const std::string& id, const std::string& started_by, model::TaskStatus last, model::TaskStatus desired) {
    auto t = testing::task_record(id, "default", "python-app", 1, "i1", last, desired);
    t.started_by = started_by;
    return t;
  };
  using model::TaskStatus;
  const std::string old_deployment = "ecs-svc/2222222222222222222";
  REQUIRE(store->insert_tasks({task("running", primary.id, TaskStatus::running, TaskStatus::running),
                               task("stopping", primary.id, TaskStatus::running, TaskStatus::stopped),
                               task("stopped-primary", primary.id, TaskStatus::stopped, TaskStatus::stopped),
                               task("stopped-old", old_deployment, TaskStatus::stopped, TaskStatus::stopped),
                               task("stopped-alone", "", TaskStatus::stopped, TaskStatus::stopped)},
                              {})
              .has_value());
  const auto ids = [&](store::SnapshotScope scope) {
    auto snapshot = store->read_cluster_snapshot("default", scope);
    REQUIRE(snapshot.has_value());
    std::vector<std::string> out;
    for (const auto& t : snapshot->tasks) out.push_back(t.id);
    return out;
  };
  CHECK(ids(store::SnapshotScope::placement) == std::vector<std::string>{"running", "stopping"});
  CHECK(ids(store::SnapshotScope::services) == std::vector<std::string>{"running", "stopped-primary", "stopping"});
}

}  // namespace cluster_snapshot_test
