#include "store/store.hpp"

namespace berth::store {
namespace {

constexpr const char* k_key_columns = "access_key_id, user_name, secret, policy_name, policy_document, created_at";

model::AccessKey read_access_key(const Stmt& stmt) {
  return model::AccessKey{stmt.text(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4), stmt.integer(5)};
}

}  // namespace

Result<void> Store::create_access_key(const model::AccessKey& key, std::size_t max_keys) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt count(m_db, "SELECT count(*) FROM access_keys");
  BERTH_TRY(count.step());
  if (static_cast<std::size_t>(count.integer(0)) >= max_keys) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_keys) +
                                          " access keys; delete one before creating another.");
  }
  Stmt insert(m_db, std::string("INSERT INTO access_keys(") + k_key_columns + ") VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  BERTH_TRY(insert.bind(1, key.access_key_id)
                .bind(2, key.user_name)
                .bind(3, key.secret)
                .bind(4, key.policy_name)
                .bind(5, key.policy_document)
                .bind(6, key.created_at)
                .run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create access key"));
  return {};
}

Result<std::optional<model::AccessKey>> Store::find_access_key(const std::string& access_key_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_key_columns + " FROM access_keys WHERE access_key_id = ?1");
  stmt.bind(1, access_key_id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::AccessKey>();
  return std::optional<model::AccessKey>(read_access_key(stmt));
}

Result<std::vector<model::AccessKey>> Store::list_access_keys(const std::optional<std::string>& user_name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_key_columns +
                      " FROM access_keys WHERE ?1 IS NULL OR user_name = ?1 ORDER BY user_name, created_at");
  if (user_name) {
    stmt.bind(1, *user_name);
  } else {
    stmt.bind_null(1);
  }
  std::vector<model::AccessKey> keys;
  while (true) {
    BERTH_ASSIGN(bool row, stmt.step());
    if (!row) return keys;
    keys.push_back(read_access_key(stmt));
  }
}

Result<bool> Store::delete_access_key(const std::string& access_key_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "DELETE FROM access_keys WHERE access_key_id = ?1");
  stmt.bind(1, access_key_id);
  BERTH_TRY(stmt.run());
  return m_db.changes() > 0;
}

}  // namespace berth::store
