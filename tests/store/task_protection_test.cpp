// The tasks' protected_until column: set atomically on service tasks only, kept apart from the
// task's body, read into the scheduler's snapshot and re-checked when a scale-in is committed.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "store/store.hpp"

namespace task_protection_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

struct StoredTasks : ServiceFixture {
  StoredTasks() {
    auto added = store->update_container_instance(
        "default", "i1", [](model::ContainerInstance&, store::InstanceOrigin) -> Result<void> { return {}; },
        store::IfMissing::create);
    REQUIRE_OK(added);
    auto inserted = store->insert_tasks({task("s1", "service:web"), task("s2", "service:web"), task("j1", "family:job")}, {});
    REQUIRE_OK(inserted);
    REQUIRE(*inserted);
  }

  static model::Task task(const std::string& id, const std::string& group) {
    model::Task t;
    t.id = id;
    t.cluster = "default";
    t.family = "web";
    t.revision = 1;
    t.container_instance_id = "i1";
    t.group = group;
    t.last_status = model::TaskStatus::running;
    return t;
  }

  std::optional<EpochMs> protection_of(const std::string& id) {
    auto rows = store->task_protections("default", {id});
    REQUIRE_OK(rows);
    REQUIRE(rows->size() == 1);
    return rows->front().protected_until;
  }

  Result<bool> scale_in(const std::string& id, bool unless_protected, EpochMs now) {
    store::PlanCommit commit;
    commit.cluster = "default";
    commit.stops.push_back({id, "ServiceSchedulerInitiated", "service scaled in", unless_protected});
    commit.now = now;
    return store->commit_plan(commit);
  }
};

}  // namespace

TEST_CASE_METHOD(StoredTasks, "set_task_protection sets service tasks only, in one call, and reads back",
                 "[store][protection]") {
  const EpochMs until = clock.now_ms() + 60'000;
  auto rows = store->set_task_protection("default", {"s1", "j1", "missing"}, until);
  REQUIRE_OK(rows);
  REQUIRE(rows->size() == 2);  // the missing task is not there
  std::map<std::string, model::TaskProtection> by_id;
  for (const auto& row : *rows) by_id[row.task_id] = row;
  CHECK(by_id["s1"].protected_until == until);
  CHECK(by_id["s1"].group == "service:web");
  CHECK_FALSE(by_id["j1"].protected_until.has_value());  // refused: a standalone task
  CHECK(protection_of("s1") == until);
  CHECK_FALSE(protection_of("j1").has_value());
  CHECK_FALSE(protection_of("s2").has_value());

  auto protected_now = store->protected_tasks("default", clock.now_ms(), 100);
  REQUIRE_OK(protected_now);
  REQUIRE(protected_now->size() == 1);
  CHECK(protected_now->front().task_id == "s1");
  protected_now = store->protected_tasks("default", until, 100);  // lapsed at `until`
  REQUIRE_OK(protected_now);
  CHECK(protected_now->empty());

  // Removing it writes NULL.
  REQUIRE_OK(store->set_task_protection("default", {"s1"}, std::nullopt));
  CHECK_FALSE(protection_of("s1").has_value());
}

TEST_CASE_METHOD(StoredTasks, "protection is kept apart from the task's record", "[store][protection]") {
  const EpochMs until = clock.now_ms() + 60'000;
  REQUIRE_OK(store->set_task_protection("default", {"s1"}, until));
  // The body is untouched (no version bump) and a writer of the body keeps the protection.
  auto stored = store->find_task("default", "s1");
  REQUIRE_OK(stored);
  REQUIRE(*stored);
  CHECK((*stored)->version == 1);
  auto changed = **stored;
  changed.health_status = "HEALTHY";
  ++changed.version;
  auto replaced = store->replace_task(changed, 1);
  REQUIRE_OK(replaced);
  REQUIRE(*replaced);
  CHECK(protection_of("s1") == until);

  auto snapshot = store->read_cluster_snapshot("default", store::SnapshotScope::services);
  REQUIRE_OK(snapshot);
  std::map<std::string, std::optional<EpochMs>> seen;
  for (const auto& t : snapshot->tasks) seen[t.id] = t.protected_until;
  CHECK(seen.at("s1") == until);
  CHECK_FALSE(seen.at("s2").has_value());
}

TEST_CASE_METHOD(StoredTasks, "a scale-in committed after the task was protected is a conflict", "[store][protection]") {
  const EpochMs now = clock.now_ms();
  REQUIRE_OK(store->set_task_protection("default", {"s1"}, now + 60'000));
  auto committed = scale_in("s1", true, now);
  REQUIRE_OK(committed);
  CHECK_FALSE(*committed);
  auto task = store->find_task("default", "s1");
  REQUIRE_OK(task);
  CHECK((*task)->desired_status == model::TaskStatus::running);
  // Lapsed by the plan's time, or a stop that is no scale-in: committed.
  committed = scale_in("s1", true, now + 60'000);
  REQUIRE_OK(committed);
  CHECK(*committed);
  REQUIRE_OK(store->set_task_protection("default", {"s2"}, now + 60'000));
  committed = scale_in("s2", false, now);
  REQUIRE_OK(committed);
  CHECK(*committed);
  task = store->find_task("default", "s2");
  REQUIRE_OK(task);
  CHECK((*task)->desired_status == model::TaskStatus::stopped);
}

}  // namespace task_protection_test
