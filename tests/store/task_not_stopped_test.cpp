// select_not_stopped_tasks: the tasks of every status but STOPPED, read as ranges of last_status in
// the cluster's and the instance's task indexes, so that the stopped tasks a store keeps are
// skipped in the index rather than looked up row by row, and without a temporary table.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fixtures/temp_dir.hpp"
#include "model/statuses.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/rows.hpp"

namespace task_not_stopped_test {

using namespace berth;
using namespace berth::store;

namespace {

Db migrated(const std::string& path) {
  auto db = Db::open(path);
  REQUIRE(db.has_value());
  REQUIRE(migrate(*db));
  return std::move(*db);
}

// The plan's detail lines, one string.
std::string plan_of(Db& db, const std::string& sql) {
  Stmt stmt(db, "EXPLAIN QUERY PLAN " + sql);
  std::string details;
  while (stmt.step().value_or(false)) details += stmt.text(3) + "\n";
  return details;
}

}  // namespace

TEST_CASE("tasks not stopped: every status but STOPPED, each task once", "[store]") {
  berth::testing::TempDir tmp;
  Db db = migrated(tmp.path + "/state.db");
  REQUIRE(db.exec("INSERT INTO clusters VALUES ('c', 'ACTIVE', '[]', '{}', 0)"));
  std::vector<std::string> expected;
  for (const std::string_view status : model::WireNames<model::TaskStatus>::names) {
    Stmt insert(db, "INSERT INTO tasks(id, cluster, desired_status, last_status, body, created_at, container_instance) "
                    "VALUES (?1, 'c', 'RUNNING', ?1, '{}', 0, 'i')");
    REQUIRE(insert.bind(1, std::string(status)).run());
    if (status != "STOPPED") expected.emplace_back(status);
  }
  std::sort(expected.begin(), expected.end());
  Stmt select(db, "SELECT id FROM (" + select_not_stopped_tasks("id", "cluster = 'c' AND container_instance = 'i'") +
                      ") ORDER BY id");
  std::vector<std::string> got;
  while (select.step().value_or(false)) got.push_back(select.text(0));
  CHECK(got == expected);
}

TEST_CASE("tasks not stopped: two ranges of last_status in the cluster's and the instance's task indexes", "[store]") {
  berth::testing::TempDir tmp;
  Db db = migrated(tmp.path + "/state.db");
  // As RunTask's placement reads them (store/cluster_snapshot.cpp).
  const std::string by_cluster =
      plan_of(db, "SELECT body FROM (" + select_not_stopped_tasks("id, body", "cluster = ?1") + ") ORDER BY id LIMIT ?2");
  INFO(by_cluster);
  CHECK(by_cluster.find("tasks_by_cluster (cluster=? AND last_status<?)") != std::string::npos);
  CHECK(by_cluster.find("tasks_by_cluster (cluster=? AND last_status>?)") != std::string::npos);
  // As the agent lists its instance's unsettled tasks (Store::list_tasks).
  const std::string by_instance =
      plan_of(db, "SELECT body FROM (" +
                      select_not_stopped_tasks("id, body", "id > ?1 AND container_instance = ?3 AND last_status != desired_status") +
                      ") ORDER BY id LIMIT ?8");
  INFO(by_instance);
  CHECK(by_instance.find("tasks_by_instance (container_instance=? AND last_status<?)") != std::string::npos);
  CHECK(by_instance.find("tasks_by_instance (container_instance=? AND last_status>?)") != std::string::npos);
  CHECK(by_instance.find("MULTI-INDEX OR") == std::string::npos);
}

}  // namespace task_not_stopped_test
