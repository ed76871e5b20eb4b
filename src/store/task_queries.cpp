#include "store/task_queries.hpp"

#include "store/rows.hpp"

namespace berth::store {

std::string select_not_stopped_tasks(std::string_view columns, std::string_view where) {
  const std::string branch = "SELECT " + std::string(columns) + " FROM tasks WHERE (" + std::string(where) + ")";
  return branch + " AND last_status < 'STOPPED' UNION ALL " + branch + " AND last_status > 'STOPPED'";
}

std::string list_tasks_sql(const TaskQuery& q) {
  // A task is recorded STOPPED only once its desired status is STOPPED (the agent's stop path, a
  // lost instance's tasks, the joined agents' reports), so one whose desired status is RUNNING is
  // not stopped: said so, ListTasks' default filter reads the ranges, not every task of a cluster.
  const bool not_stopped = q.not_stopped || q.desired_status == model::TaskStatus::running;
  // The ranges need an index that leads with the cluster or the instance: without either, one scan
  // of the table rather than two.
  const bool ranges = not_stopped && (q.cluster || q.container_instance);
  std::string where = "id > ?1";
  if (q.cluster) where += " AND cluster = ?2";
  if (q.container_instance) where += " AND container_instance = ?3";
  if (q.family) where += " AND family = ?4";
  // With the ranges the unary + keeps them on their index: tasks_by_started_by would read a
  // deployment's stopped tasks too, once for each range.
  if (q.started_by) where += ranges ? " AND +started_by = ?5" : " AND started_by = ?5";
  if (q.desired_status) where += " AND desired_status = ?6";
  // Two columns compared, no IN list or OR: as cheap as the query without it.
  if (q.unsettled) where += " AND last_status != desired_status";
  if (q.group) where += " AND group_name = ?7";
  if (not_stopped && !ranges) where += " AND last_status != 'STOPPED'";
  const std::string columns(k_task_columns);
  const std::string rows = ranges ? "(" + select_not_stopped_tasks("id, " + columns, where) + ")" : "tasks WHERE " + where;
  return "SELECT " + columns + " FROM " + rows + " ORDER BY id LIMIT ?8";
}

std::string snapshot_tasks_sql(bool with_primaries) {
  // The primaries' stopped tasks only when there are primaries: placement needs only the tasks
  // that hold resources, which the index finds by last_status alone. They are found by
  // tasks_by_started_by; the unary + keeps SQLite from reading the cluster's stopped range of
  // tasks_by_cluster instead, a row lookup for every stopped task kept.
  const char* stopped_of_primaries =
      with_primaries ? " UNION ALL SELECT id, body, protected_until FROM tasks WHERE cluster = ?1 AND +last_status = 'STOPPED' "
                       "AND desired_status = 'STOPPED' AND started_by IN (SELECT value FROM json_each(?3))"
                     : "";
  return "SELECT body, protected_until FROM (" + select_not_stopped_tasks("id, body, protected_until", "cluster = ?1") +
         stopped_of_primaries + ") ORDER BY id LIMIT ?2";
}

}  // namespace berth::store
