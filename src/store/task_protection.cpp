// Task scale-in protection: the tasks table's protected_until column (added by a migration in
// migrations.cpp), written only by UpdateTaskProtection. upsert_task never touches it, so no
// writer of a task's body can undo a protection change, and it lapses without a write.
#include "store/rows.hpp"
#include "store/store.hpp"
#include "store/task_queries.hpp"

namespace berth::store {
namespace {

constexpr const char* k_protection_columns = "id, group_name, desired_status, last_status, protected_until";

// Reads k_protection_columns.
model::TaskProtection read_protection(const Stmt& stmt) {
  model::TaskProtection out;
  out.task_id = stmt.text(0);
  out.group = stmt.text(1);
  const std::string_view stopped = model::to_wire(model::TaskStatus::stopped);
  out.stopped = stmt.text(2) == stopped || stmt.text(3) == stopped;
  out.protected_until = protected_until_of(stmt, 4);
  return out;
}

Result<std::vector<model::TaskProtection>> protections_of(Db& db, const std::string& cluster,
                                                          const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<model::TaskProtection>{};
  model::Json list = model::Json::array();
  for (const auto& id : ids) list.push_back(id);
  Stmt stmt(db, std::string("SELECT ") + k_protection_columns +
                    " FROM tasks WHERE cluster = ?1 AND id IN (SELECT value FROM json_each(?2))");
  stmt.bind(1, cluster).bind(2, list.dump());
  return collect_rows<model::TaskProtection>(stmt, read_protection);
}

}  // namespace

std::optional<EpochMs> protected_until_of(const Stmt& stmt, int column) {
  if (stmt.is_null(column)) return std::nullopt;
  return stmt.integer(column);
}

Result<std::vector<model::TaskProtection>> Store::task_protections(const std::string& cluster,
                                                                   const std::vector<std::string>& ids) {
  MutexLock lock(m_mutex);
  return protections_of(m_db, cluster, ids);
}

Result<std::vector<model::TaskProtection>> Store::protected_tasks(const std::string& cluster, EpochMs now,
                                                                  std::size_t limit) {
  MutexLock lock(m_mutex);
  // model::TaskProtection::enabled_at in SQL, so the limit counts only what it selects.
  Stmt stmt(m_db, std::string("SELECT ") + k_protection_columns + " FROM (" +
                      select_not_stopped_tasks(k_protection_columns,
                                               "cluster = ?1 AND protected_until > ?2 AND desired_status != 'STOPPED'") +
                      ") ORDER BY id LIMIT ?3");
  stmt.bind(1, cluster).bind(2, now).bind(3, static_cast<std::int64_t>(limit));
  return collect_rows<model::TaskProtection>(stmt, read_protection);
}

Result<std::vector<model::TaskProtection>> Store::set_task_protection(const std::string& cluster,
                                                                      const std::vector<std::string>& ids,
                                                                      std::optional<EpochMs> until) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto rows, protections_of(m_db, cluster, ids));
  for (auto& row : rows) {
    if (model::protection_refusal(row) || row.protected_until == until) continue;
    Stmt stmt(m_db, "UPDATE tasks SET protected_until = ?3 WHERE cluster = ?1 AND id = ?2");
    BERTH_TRY(stmt.bind(1, cluster).bind(2, row.task_id).bind(3, until).run());
    row.protected_until = until;
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update task protection"));
  return rows;
}

}  // namespace berth::store
