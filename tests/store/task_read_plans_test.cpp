// How the store's reads of tasks use the task indexes, so that the stopped tasks a store keeps are
// skipped in an index rather than looked up row by row: select_not_stopped_tasks (the tasks of every
// status but STOPPED, as ranges of last_status, without a temporary table), Store::list_tasks' and
// the cluster snapshot's statements (store/task_queries.hpp: the SQL the store runs).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fixtures/temp_dir.hpp"
#include "model/statuses.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/task_queries.hpp"

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

store::TaskQuery query_of(std::optional<std::string> cluster, std::optional<std::string> instance) {
  store::TaskQuery q;
  q.cluster = std::move(cluster);
  q.container_instance = std::move(instance);
  return q;
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
  // RunTask's placement (the snapshot without primaries).
  const std::string snapshot = plan_of(db, snapshot_tasks_sql(false));
  INFO(snapshot);
  CHECK(snapshot.find("tasks_by_cluster (cluster=? AND last_status<?)") != std::string::npos);
  CHECK(snapshot.find("tasks_by_cluster (cluster=? AND last_status>?)") != std::string::npos);
  // The agent's listing of its instance's unsettled tasks.
  store::TaskQuery agent = query_of(std::nullopt, "i1");
  agent.not_stopped = agent.unsettled = true;
  const std::string by_instance = plan_of(db, list_tasks_sql(agent));
  INFO(by_instance);
  CHECK(by_instance.find("tasks_by_instance (container_instance=? AND last_status<?)") != std::string::npos);
  CHECK(by_instance.find("tasks_by_instance (container_instance=? AND last_status>?)") != std::string::npos);
  CHECK(by_instance.find("MULTI-INDEX OR") == std::string::npos);
  // ListTasks' default filter: desired status RUNNING.
  store::TaskQuery listed = query_of("default", std::nullopt);
  listed.desired_status = model::TaskStatus::running;
  const std::string desired_running = plan_of(db, list_tasks_sql(listed));
  INFO(desired_running);
  CHECK(desired_running.find("tasks_by_cluster (cluster=? AND last_status<?)") != std::string::npos);
  CHECK(desired_running.find("tasks_by_cluster (cluster=? AND last_status>?)") != std::string::npos);
}

TEST_CASE("task reads by who started them: a deployment's tasks and the primaries' stopped ones by tasks_by_started_by",
          "[store]") {
  berth::testing::TempDir tmp;
  Db db = migrated(tmp.path + "/state.db");
  // A deployment's tasks of every status (svc/plan_applier's pinned digests).
  store::TaskQuery deployment = query_of("default", std::nullopt);
  deployment.started_by = "ecs-svc/1";
  const std::string of_deployment = plan_of(db, list_tasks_sql(deployment));
  INFO(of_deployment);
  CHECK(of_deployment.find("tasks_by_started_by (cluster=? AND started_by=?") != std::string::npos);
  // The service scheduler's snapshot: the primaries' stopped tasks.
  const std::string snapshot = plan_of(db, snapshot_tasks_sql(true));
  INFO(snapshot);
  CHECK(snapshot.find("tasks_by_started_by (cluster=? AND started_by=?)") != std::string::npos);
  CHECK(snapshot.find("tasks_by_cluster (cluster=? AND last_status=?)") == std::string::npos);
  // A deployment's tasks not stopped (the scaling runner) stay on the cluster's ranges: the
  // started_by index would read its stopped tasks too, once for each range.
  deployment.not_stopped = true;
  const std::string live_of_deployment = plan_of(db, list_tasks_sql(deployment));
  INFO(live_of_deployment);
  CHECK(live_of_deployment.find("tasks_by_cluster (cluster=? AND last_status<?)") != std::string::npos);
  CHECK(live_of_deployment.find("tasks_by_started_by") == std::string::npos);
}

}  // namespace task_read_plans_test
