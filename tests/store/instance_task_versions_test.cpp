// The store's version of each instance's task rows (store/instance_task_versions.hpp): every
// write to one of its rows moves it, through whichever statement (the store's calls or raw SQL);
// reads and writes elsewhere leave it.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "store/store.hpp"

namespace instance_task_versions_test {

using namespace berth;

namespace {

model::Task task_on(const std::string& id, const std::string& instance_id) {
  model::Task t;
  t.id = id;
  t.cluster = "edge";
  t.family = "web";
  t.revision = 1;
  t.container_instance_id = instance_id;
  t.version = 1;
  return t;
}

}  // namespace

TEST_CASE("An instance's task version moves with every write to its task rows, whatever writes them", "[store]") {
  auto opened = store::Store::open(":memory:");
  REQUIRE(opened.has_value());
  store::Store& store = **opened;
  REQUIRE_OK(store.ensure_cluster("edge", 0, "000000000000"));
  const auto version = [&] { return store.instance_tasks_version("edge", "i-1"); };

  std::uint64_t before = version();
  REQUIRE(store.insert_mirrored_task(task_on("t1", "i-1")).value_or(false));
  CHECK(version() > before);

  before = version();
  REQUIRE_OK(store.list_tasks(store::TaskQuery{}));
  auto read = store.instance_task_desires("edge", "i-1", 10);
  REQUIRE_OK(read);
  CHECK(read->version == before);  // reads leave it, and report it
  REQUIRE_OK(store.ensure_cluster("other", 0, "000000000000"));
  CHECK(version() == before);  // another table

  auto changed = task_on("t1", "i-1");
  changed.desired_status = model::TaskStatus::stopped;
  changed.version = 2;
  REQUIRE(store.replace_task(changed, 1).value_or(false));
  CHECK(version() > before);

  before = version();
  REQUIRE_OK(store.exec_for_test("UPDATE tasks SET last_status = 'STOPPED' WHERE id = 't1'"));
  CHECK(version() > before);  // raw SQL too: the triggers see every statement

  before = version();
  REQUIRE(store.delete_task("t1").value_or(false));
  CHECK(version() > before);
}

TEST_CASE("replace_task writes only over the version it was given, and names a task that is gone", "[store]") {
  auto opened = testing::open_test_store();
  REQUIRE(opened.has_value());
  store::Store& store = **opened;
  REQUIRE_OK(store.ensure_cluster("edge", 0, "000000000000"));
  REQUIRE(store.insert_mirrored_task(task_on("t1", "i-1")).value_or(false));

  auto running = task_on("t1", "i-1");
  running.last_status = model::TaskStatus::running;
  running.version = 2;
  CHECK_FALSE(store.replace_task(running, 2).value_or(true));  // stored is 1: another writer's turn
  auto stored = store.find_task("edge", "t1");
  REQUIRE(stored.has_value());
  REQUIRE(stored->has_value());
  CHECK((*stored)->last_status == model::TaskStatus::pending);

  CHECK(store.replace_task(running, 1).value_or(false));
  stored = store.find_task("edge", "t1");
  REQUIRE(stored.has_value());
  REQUIRE(stored->has_value());
  CHECK((*stored)->last_status == model::TaskStatus::running);
  CHECK((*stored)->version == 2);
  CHECK_FALSE(store.replace_task(running, 1).value_or(true));  // 1 is behind now

  auto gone = store.replace_task(task_on("t2", "i-1"), 1);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().message == "The referenced task was not found.");
}

}  // namespace instance_task_versions_test
