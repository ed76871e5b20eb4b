#include "store/rows.hpp"
#include "store/store.hpp"
#include "store/task_queries.hpp"

namespace berth::store {

Result<model::Task> read_task(const Stmt& stmt) {
  const auto body = model::Json::parse(stmt.text(0), nullptr, false);
  return model::task_from_record(body);
}

Result<void> upsert_task(Db& db, const model::Task& t) {
  Stmt stmt(db,
            "INSERT INTO tasks(id, cluster, desired_status, last_status, body, created_at, "
            "container_instance, family, started_by, group_name, stopped_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
            "ON CONFLICT(id) DO UPDATE SET desired_status = excluded.desired_status, "
            "last_status = excluded.last_status, body = excluded.body, "
            "stopped_at = excluded.stopped_at WHERE body IS NOT excluded.body");
  return stmt.bind(1, t.id)
      .bind(2, t.cluster)
      .bind(3, model::to_wire(t.desired_status))
      .bind(4, model::to_wire(t.last_status))
      .bind(5, model::task_to_record(t).dump())
      .bind(6, t.created_at)
      .bind(7, t.container_instance_id)
      .bind(8, t.family)
      .bind(9, t.started_by)
      .bind(10, t.group)
      .bind(11, t.stopped_at)
      .run();
}

Result<bool> Store::insert_tasks(const std::vector<model::Task>& tasks, const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  for (const auto& t : tasks) {
    BERTH_TRY(require_active_cluster_locked(t.cluster));
    Stmt instance(m_db, "SELECT 1 FROM container_instances WHERE cluster = ?1 AND id = ?2 AND status = 'ACTIVE'");
    instance.bind(1, t.cluster).bind(2, t.container_instance_id);
    BERTH_ASSIGN(bool placeable, instance.step());
    if (!placeable) return false;  // drained or deregistered since the placement read it
    BERTH_TRY(upsert_task(m_db, t));
    BERTH_TRY(put_tags_locked("task/" + t.cluster + "/" + t.id, tags));
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("run tasks"));
  return true;
}

Result<bool> Store::replace_task(const model::Task& task, long long expected_version, Durability durability,
                                 std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  const SyncScope sync(m_db, durability);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  // The stored version alone, read by SQLite's JSON parser: decoding the whole body into a Task
  // only to compare it was about a third of a replace (133-146 -> 91-97 us without it).
  Stmt current(m_db, "SELECT json_extract(body, '$.version') FROM tasks WHERE id = ?1");
  current.bind(1, task.id);
  BERTH_ASSIGN(bool exists, current.step());
  if (!exists) return fail(Code::invalid_parameter, "The referenced task was not found.");
  const std::int64_t stored_version = current.is_null(0) ? 1 : current.integer(0);  // as task_from_record
  if (stored_version != expected_version) return false;
  BERTH_TRY(upsert_task(m_db, task));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update task"));
  return true;
}

Result<std::optional<model::Task>> Store::find_task(const std::string& cluster, const std::string& id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT " + std::string(k_task_columns) + " FROM tasks WHERE cluster = ?1 AND id = ?2");
  stmt.bind(1, cluster).bind(2, id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Task>();
  BERTH_ASSIGN(auto task, read_task(stmt));
  return std::optional<model::Task>(std::move(task));
}

Result<std::vector<model::Task>> Store::list_tasks(const TaskQuery& q) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, list_tasks_sql(q));
  stmt.bind(1, q.after);
  if (q.cluster) stmt.bind(2, *q.cluster);
  if (q.container_instance) stmt.bind(3, *q.container_instance);
  if (q.family) stmt.bind(4, *q.family);
  if (q.started_by) stmt.bind(5, *q.started_by);
  if (q.desired_status) stmt.bind(6, model::to_wire(*q.desired_status));
  if (q.group) stmt.bind(7, *q.group);
  stmt.bind(8, static_cast<std::int64_t>(q.limit));
  return collect_parsed_rows<model::Task>(stmt, read_task);
}

Result<std::map<std::string, LiveTaskCounts>> Store::count_live_tasks(const std::string& cluster,
                                                                      const std::string& group) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT started_by, SUM(last_status = 'RUNNING'), SUM(last_status != 'RUNNING') FROM (" +
                select_not_stopped_tasks("started_by, last_status",
                                         "cluster = ?1 AND group_name = ?2 AND desired_status = 'RUNNING'") +
                ") GROUP BY started_by");
  stmt.bind(1, cluster).bind(2, group);
  std::map<std::string, LiveTaskCounts> out;
  while (true) {
    BERTH_ASSIGN(const bool row, stmt.step());
    if (!row) return out;
    out[stmt.text(0)] = {static_cast<int>(stmt.integer(1)), static_cast<int>(stmt.integer(2))};
  }
}

Result<InstanceTaskDesires> Store::instance_task_desires(const std::string& cluster, const std::string& instance_id,
                                                        std::size_t limit) {
  MutexLock lock(m_mutex);
  InstanceTaskDesires out;
  out.version = m_task_versions.of(cluster, instance_id);
  Stmt stmt(m_db,
            "SELECT id, desired_status FROM (" +
                select_not_stopped_tasks("id, desired_status", "cluster = ?1 AND container_instance = ?2") +
                ") ORDER BY id LIMIT ?3");
  stmt.bind(1, cluster);
  stmt.bind(2, instance_id);
  stmt.bind(3, static_cast<std::int64_t>(limit));
  while (true) {
    BERTH_ASSIGN(const bool row, stmt.step());
    if (!row) break;
    const auto status = model::from_wire<model::TaskStatus>(stmt.text(1));
    if (!status) return fail(Code::server, "task " + stmt.text(0) + " has an unknown desired status: " + stmt.text(1));
    out.desires.push_back({stmt.text(0), *status});
  }
  return out;
}

}  // namespace berth::store
