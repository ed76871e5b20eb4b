#include "store/store.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <sqlite3.h>

#include "fixtures/fixtures.hpp"
#include "store/migrations.hpp"

namespace store_test {

using namespace berth;
using berth::testing::make_task_def;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/berth-store-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("store: revisions only increase, even after deletion", "[store]") {
  auto store = berth::testing::open_test_store();
  REQUIRE(store.has_value());
  auto& s = **store;
  auto r1 = s.register_task_definition("web", make_task_def("web"), {}, 1);
  auto r2 = s.register_task_definition("web", make_task_def("web"), {}, 2);
  REQUIRE(r1.has_value());
  REQUIRE(r2.has_value());
  CHECK(r1->revision == 1);
  CHECK(r2->revision == 2);
  REQUIRE(s.set_task_definition_status("web", 2, model::TaskDefinitionStatus::active, model::TaskDefinitionStatus::inactive, 3).has_value());
  REQUIRE(s.set_task_definition_status("web", 2, model::TaskDefinitionStatus::inactive,
                                       model::TaskDefinitionStatus::delete_in_progress, 4).has_value());
  auto latest = s.find_task_definition("web", std::nullopt);
  REQUIRE(latest.has_value());
  REQUIRE(latest->has_value());
  CHECK((*latest)->revision == 1);
  auto r3 = s.register_task_definition("web", make_task_def("web"), {}, 5);
  REQUIRE(r3.has_value());
  CHECK(r3->revision == 3);
  auto other = s.register_task_definition("api", make_task_def("api"), {}, 6);
  CHECK(other->revision == 1);
}

TEST_CASE("store: task definition listing pages by key in both orders", "[store]") {
  auto store = berth::testing::open_test_store();
  REQUIRE(store.has_value());
  auto& s = **store;
  for (const char* family : {"a", "b"}) {
    for (int i = 0; i < 3; ++i) REQUIRE(s.register_task_definition(family, make_task_def(family), {}, 1).has_value());
  }
  store::TaskDefinitionQuery q;
  q.limit = 4;
  auto page1 = s.list_task_definitions(q);
  REQUIRE(page1->size() == 4);
  CHECK((*page1)[3].family == "b");
  CHECK((*page1)[3].revision == 1);
  q.after = "b:1";
  auto page2 = s.list_task_definitions(q);
  REQUIRE(page2->size() == 2);
  CHECK((*page2)[0].revision == 2);
  q = {};
  q.order = store::SortOrder::descending;
  q.after = "b:1";
  auto desc = s.list_task_definitions(q);
  REQUIRE(desc->size() == 3);
  CHECK((*desc)[0].family == "a");
  CHECK((*desc)[0].revision == 3);
}

TEST_CASE("store: a database newer than the binary is refused", "[store]") {
  TempDir dir;
  const auto path = (dir.path / "berth.db").string();
  {
    auto store = store::Store::open(path);
    REQUIRE(store.has_value());
    REQUIRE((*store)->exec_for_test("PRAGMA user_version=" +
                                    std::to_string(store::latest_schema_version() + 1)).has_value());
  }
  auto reopened = store::Store::open(path);
  REQUIRE_FALSE(reopened.has_value());
  CHECK(reopened.error().message.find("newer") != std::string::npos);
}

TEST_CASE("store: state survives reopening; unchanged operations write nothing", "[store]") {
  TempDir dir;
  const auto path = (dir.path / "berth.db").string();
  {
    auto store = store::Store::open(path);
    REQUIRE(store.has_value());
    REQUIRE((*store)->ensure_cluster("default", 1, "000000000000").value() == true);
    REQUIRE((*store)->register_task_definition("web", make_task_def("web"), {{"k", "v"}}, 1).has_value());
  }
  auto store = store::Store::open(path);
  REQUIRE(store.has_value());
  const auto wal = dir.path / "berth.db-wal";
  const auto size_before = std::filesystem::exists(wal) ? std::filesystem::file_size(wal) : 0;
  CHECK((*store)->ensure_cluster("default", 2, "000000000000").value() == false);
  REQUIRE((*store)->add_tags("task-definition/web:1", {{"k", "v"}}).has_value());
  const auto size_after = std::filesystem::exists(wal) ? std::filesystem::file_size(wal) : 0;
  CHECK(size_after == size_before);
  auto td = (*store)->find_task_definition("web", 1);
  REQUIRE(td->has_value());
  CHECK((*td)->body["family"] == "web");
  CHECK((*store)->tags_of("task-definition/web:1")->size() == 1);
}

TEST_CASE("store: tags merge, overwrite and stop at 50", "[store]") {
  auto store = berth::testing::open_test_store();
  auto& s = **store;
  REQUIRE(s.ensure_cluster("c", 1, "000000000000").has_value());
  REQUIRE(s.add_tags("cluster/c", {{"a", "1"}, {"b", "2"}}).has_value());
  REQUIRE(s.add_tags("cluster/c", {{"a", "3"}}).has_value());
  auto tags = s.tags_of("cluster/c");
  REQUIRE(tags->size() == 2);
  CHECK((*tags)[0].value == "3");
  REQUIRE(s.remove_tags("cluster/c", {"a", "zzz"}).has_value());
  CHECK(s.tags_of("cluster/c")->size() == 1);
  std::vector<model::Tag> many;
  for (int i = 0; i < 50; ++i) many.push_back({"k" + std::to_string(i), ""});
  auto too_many = s.add_tags("cluster/c", many);
  REQUIRE_FALSE(too_many.has_value());
  CHECK(s.tags_of("cluster/c")->size() == 1);  // the failed write left nothing behind
}

TEST_CASE("store: a status column berth never writes is a corrupt record, not a deleted one", "[store]") {
  TempDir dir;
  const auto path = (dir.path / "berth.db").string();
  {
    auto store = store::Store::open(path);
    REQUIRE(store.has_value());
    REQUIRE((*store)->ensure_cluster("edge", 1, "000000000000").has_value());
    REQUIRE((*store)->register_task_definition("web", make_task_def("web"), {}, 1).has_value());
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE clusters SET status = 'GONE' WHERE name = 'edge'; "
                         "UPDATE task_definitions SET status = 'GONE' WHERE family = 'web'",
                     nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto store = store::Store::open(path);
  REQUIRE(store.has_value());
  auto cluster = (*store)->find_cluster("edge");
  REQUIRE_FALSE(cluster.has_value());
  CHECK(cluster.error().code == Code::server);
  CHECK(cluster.error().message == "corrupt cluster record");
  auto td = (*store)->find_task_definition("web", 1);
  REQUIRE_FALSE(td.has_value());
  CHECK(td.error().message == "corrupt task definition record");
}

TEST_CASE("ensure_cluster: the cluster made at start takes the account's containerInsights default", "[store]") {
  auto opened = berth::testing::open_test_store();
  REQUIRE(opened.has_value());
  auto& s = **opened;
  REQUIRE_OK(s.put_account_setting({"containerInsights", "enhanced", "arn:aws:iam::000000000000:root", model::SettingType::user}));
  // Another principal's setting and another account's root are not this account's default.
  REQUIRE_OK(s.put_account_setting({"containerInsights", "enabled", "arn:aws:iam::000000000000:user/alice", model::SettingType::user}));
  REQUIRE(s.ensure_cluster("edge", 1, "000000000000").value());
  CHECK(s.find_cluster("edge").value()->settings ==
        model::Json::parse(R"([{"name":"containerInsights","value":"enhanced"}])"));
  REQUIRE(s.ensure_cluster("other", 1, "111111111111").value());
  CHECK(s.find_cluster("other").value()->settings ==
        model::Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
  // After the configured cluster was deleted, it is made again with the default as it is now.
  REQUIRE_OK(s.delete_cluster("edge"));
  REQUIRE_OK(s.delete_account_setting("arn:aws:iam::000000000000:root", "containerInsights"));
  REQUIRE(s.ensure_cluster("edge", 2, "000000000000").value());
  CHECK(s.find_cluster("edge").value()->settings ==
        model::Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
}

// Two servers' stores on the replicated database (or two connections to the file): a write
// through one moves the other's count, which is what the scheduler leader's quiet shortcut and
// the dashboard's change notices read; reads through either move neither.
TEST_CASE("store: another connection's write moves the change count; reads do not", "[store]") {
  auto pair = berth::testing::open_test_store_pair();
  auto& one = *pair->first;
  auto& other = *pair->second;
  const std::int64_t one_before = one.change_count();
  const std::int64_t other_before = other.change_count();
  CHECK(one.change_count() == one_before);  // nothing written: no move
  CHECK(other.change_count() == other_before);
  REQUIRE(one.find_cluster("default").has_value());  // reads through both
  REQUIRE(other.list_task_definitions({}).has_value());
  CHECK(one.change_count() == one_before);
  CHECK(other.change_count() == other_before);

  REQUIRE(one.register_task_definition("web", make_task_def("web"), {}, 1).has_value());
  const std::int64_t other_after_one = other.change_count();
  CHECK(other_after_one > other_before);
  CHECK(one.change_count() > one_before);
  CHECK(other.change_count() == other_after_one);  // counted once

  const std::int64_t one_after_own = one.change_count();
  REQUIRE(other.set_task_definition_status("web", 1, model::TaskDefinitionStatus::active,
                                           model::TaskDefinitionStatus::inactive, 2)
              .has_value());
  CHECK(one.change_count() > one_after_own);
  const std::int64_t settled = one.change_count();
  CHECK(one.change_count() == settled);
}

TEST_CASE("store: the change count moves with every write and stays put over reads", "[store]") {
  auto store = berth::testing::open_test_store();
  REQUIRE(store.has_value());
  auto& s = **store;
  const std::int64_t opened = s.change_count();
  REQUIRE(s.register_task_definition("web", make_task_def("web"), {}, 1).has_value());
  const std::int64_t written = s.change_count();
  CHECK(written > opened);
  REQUIRE(s.find_cluster("default").has_value());  // a read
  CHECK(s.change_count() == written);
  REQUIRE(s.set_task_definition_status("web", 1, model::TaskDefinitionStatus::active, model::TaskDefinitionStatus::inactive, 2)
              .has_value());
  CHECK(s.change_count() > written);
}

namespace {

// A test store with eight tasks of cluster "default", one of each pair of statuses an agent's pass
// tells apart, all on instance i1 but the last (on i2).
class TasksOfEachStatus {
 public:
  TasksOfEachStatus() {
    REQUIRE(m_store.has_value());
    insert(**m_store);
  }

 protected:
  store::Store& s() { return **m_store; }

 private:
  static void insert(store::Store& s);
  decltype(berth::testing::open_test_store()) m_store = berth::testing::open_test_store();
};

void TasksOfEachStatus::insert(store::Store& s) {
  const auto task = [](const std::string& id, const std::string& instance, model::TaskStatus last, model::TaskStatus desired) {
    return berth::testing::task_record(id, "default", "web", 1, instance, last, desired);
  };
  REQUIRE(s.ensure_cluster("default", 1, "000000000000").has_value());
  for (const char* instance : {"i1", "i2"}) {
    REQUIRE(s.update_container_instance(
                 "default", instance, [](model::ContainerInstance&, store::InstanceOrigin) -> Result<void> { return {}; },
                 store::IfMissing::create)
                .has_value());
  }
  using S = model::TaskStatus;
  REQUIRE(s.insert_tasks({task("a-provisioning", "i1", S::provisioning, S::running),
                          task("b-pending", "i1", S::pending, S::running),
                          task("c-activating", "i1", S::activating, S::running),
                          task("d-running", "i1", S::running, S::running),
                          task("e-running-to-stop", "i1", S::running, S::stopped),
                          task("f-deactivating-to-stop", "i1", S::deactivating, S::stopped),
                          task("g-stopped", "i1", S::stopped, S::stopped),
                          task("h-pending-elsewhere", "i2", S::pending, S::running)},
                         {})
              .value_or(false));
}

std::vector<std::string> listed_ids(store::Store& s, const store::TaskQuery& q) {
  auto tasks = s.list_tasks(q);
  REQUIRE(tasks.has_value());
  std::vector<std::string> out;
  for (const auto& t : *tasks) out.push_back(t.id);
  return out;
}

}  // namespace

TEST_CASE_METHOD(TasksOfEachStatus, "store: an agent's unsettled tasks are those starting, or to stop and not stopped",
                 "[store]") {
  store::TaskQuery query;
  query.container_instance = "i1";
  query.not_stopped = true;
  query.limit = 100;
  CHECK(listed_ids(s(), query) == std::vector<std::string>{"a-provisioning", "b-pending", "c-activating", "d-running",
                                                         "e-running-to-stop", "f-deactivating-to-stop"});
  query.unsettled = true;
  CHECK(listed_ids(s(), query) == std::vector<std::string>{"a-provisioning", "b-pending", "c-activating",
                                                         "e-running-to-stop", "f-deactivating-to-stop"});
}

TEST_CASE_METHOD(TasksOfEachStatus, "store: tasks listed by desired status, in id order and by page", "[store]") {
  store::TaskQuery query;
  query.cluster = "default";
  query.desired_status = model::TaskStatus::running;  // ListTasks' default: read as the not-stopped ranges
  query.limit = 100;
  CHECK(listed_ids(s(), query) ==
        std::vector<std::string>{"a-provisioning", "b-pending", "c-activating", "d-running", "h-pending-elsewhere"});
  query.after = "b-pending";
  query.limit = 2;
  CHECK(listed_ids(s(), query) == std::vector<std::string>{"c-activating", "d-running"});
  query.after = "";
  query.limit = 100;
  query.desired_status = model::TaskStatus::stopped;
  CHECK(listed_ids(s(), query) == std::vector<std::string>{"e-running-to-stop", "f-deactivating-to-stop", "g-stopped"});
}

}  // namespace store_test
