// Elastic Load Balancing v2 objects: one row per document, written in one transaction per call.
#include "store/store.hpp"

namespace berth::store {

Result<std::vector<model::Json>> Store::list_elb_objects(std::string_view kind) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM elb_objects WHERE kind = ?1 ORDER BY key");
  stmt.bind(1, std::string(kind));
  std::vector<model::Json> out;
  while (true) {
    BERTH_ASSIGN(bool row, stmt.step());
    if (!row) break;
    auto body = model::Json::parse(stmt.text(0), nullptr, false);
    if (body.is_discarded()) return fail(Code::server, "a stored ELB " + std::string(kind) + " is not JSON");
    out.push_back(std::move(body));
  }
  return out;
}

Result<void> Store::write_elb_objects(const std::vector<ElbPut>& puts, const std::vector<std::string>& deletes) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  for (const auto& key : deletes) {
    Stmt remove(m_db, "DELETE FROM elb_objects WHERE key = ?1");
    BERTH_TRY(remove.bind(1, key).run());
  }
  for (const auto& put : puts) {
    Stmt upsert(m_db, "INSERT INTO elb_objects(key, kind, body) VALUES(?1, ?2, ?3) "
                      "ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, body = excluded.body");
    BERTH_TRY(upsert.bind(1, put.key).bind(2, put.kind).bind(3, put.body.dump()).run());
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("write ELB objects"));
  return {};
}

}  // namespace berth::store
