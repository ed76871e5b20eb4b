// How the store's reads of tasks use the task indexes, so that the stopped tasks a store keeps are
// skipped in an index rather than looked up row by row: select_not_stopped_tasks (the tasks of every
// status but STOPPED, as ranges of last_status, without a temporary table) and the reads by who
// started a task (tasks_by_started_by). The SQL here has the shapes of the store's own queries.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fixtures/temp_dir.hpp"
#include "model/statuses.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/rows.hpp"

namespace task_read_plans_test {

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

TEST_CASE("task reads by who started them: a deployment's tasks and the primaries' stopped ones by tasks_by_started_by",
          "[store]") {
  berth::testing::TempDir tmp;
  Db db = migrated(tmp.path + "/state.db");
  // A deployment's tasks of every status (svc/plan_applier's pinned digests, Store::list_tasks).
  const std::string deployment =
      plan_of(db, "SELECT body FROM tasks WHERE id > ?1 AND cluster = ?2 AND started_by = ?5 ORDER BY id LIMIT ?8");
  INFO(deployment);
  CHECK(deployment.find("tasks_by_started_by (cluster=? AND started_by=?") != std::string::npos);
  // The service scheduler's snapshot: the primaries' stopped tasks (store/cluster_snapshot.cpp).
  const std::string primaries = plan_of(
      db, "SELECT id FROM tasks WHERE cluster = ?1 AND +last_status = 'STOPPED' AND desired_status = 'STOPPED' "
          "AND started_by IN (SELECT value FROM json_each(?3))");
  INFO(primaries);
  CHECK(primaries.find("tasks_by_started_by (cluster=? AND started_by=?)") != std::string::npos);
  // A deployment's tasks not stopped (the scaling runner) stay on the cluster's ranges: the
  // started_by index would read its stopped tasks too, once for each range.
  const std::string live_of_deployment =
      plan_of(db, "SELECT body FROM (" +
                      select_not_stopped_tasks("id, body", "id > ?1 AND cluster = ?2 AND +started_by = ?5") +
                      ") ORDER BY id LIMIT ?8");
  INFO(live_of_deployment);
  CHECK(live_of_deployment.find("tasks_by_cluster (cluster=? AND last_status<?)") != std::string::npos);
  CHECK(live_of_deployment.find("tasks_by_started_by") == std::string::npos);
}

}  // namespace task_read_plans_test
