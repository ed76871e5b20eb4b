// A joined gateway's local copy of its desired state: the task definitions and tasks the serving
// gateway placed on it, kept in the joined gateway's own berth.db so that its agent reads them
// as the local agent reads its own, and finds them again after a restart without the server.
#include "store/rows.hpp"
#include "store/store.hpp"

namespace berth::store {

Result<void> Store::mirror_task_definition(const model::TaskDefinition& td) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt family(m_db,
              "INSERT INTO task_definition_families(family, last_revision) VALUES(?1, ?2) "
              "ON CONFLICT(family) DO UPDATE SET last_revision = max(last_revision, ?2)");
  BERTH_TRY(family.bind(1, td.family).bind(2, static_cast<std::int64_t>(td.revision)).run());
  Stmt insert(m_db, "INSERT INTO task_definitions(family, revision, status, body, registered_at) "
                    "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(family, revision) DO NOTHING");
  BERTH_TRY(insert.bind(1, td.family)
                .bind(2, static_cast<std::int64_t>(td.revision))
                .bind(3, std::string(model::to_wire(td.status)))
                .bind(4, td.body.dump())
                .bind(5, td.registered_at)
                .run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("keep task definition"));
  return {};
}

Result<bool> Store::insert_mirrored_task(const model::Task& task) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt existing(m_db, "SELECT 1 FROM tasks WHERE id = ?1");
  existing.bind(1, task.id);
  BERTH_ASSIGN(bool exists, existing.step());
  if (exists) return false;
  BERTH_TRY(upsert_task(m_db, task));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("keep task"));
  return true;
}

Result<bool> Store::delete_task(const std::string& id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "DELETE FROM tasks WHERE id = ?1");
  BERTH_TRY(stmt.bind(1, id).run());
  return m_db.changes() > 0;
}

}  // namespace berth::store
