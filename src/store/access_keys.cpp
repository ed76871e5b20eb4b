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
  BERTH_TRY(create_access_key_locked(key, max_keys));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create access key"));
  return {};
}

Result<bool> Store::create_first_access_key(const model::AccessKey& key) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt any(m_db, "SELECT EXISTS (SELECT 1 FROM access_keys)");
  BERTH_TRY(any.step());
  if (any.integer(0) != 0) return false;
  BERTH_TRY(create_access_key_locked(key, 1));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create the first access key"));
  return true;
}

Result<void> Store::create_access_key_locked(const model::AccessKey& key, std::size_t max_keys) {
  // Instance keys (made when a node joins) and people's keys are counted apart, so joining
  // nodes never crowd out an operator's key, nor the reverse.
  const bool instance_key = model::is_instance_user(key.user_name);
  Stmt count(m_db, "SELECT count(*) FROM access_keys WHERE (substr(user_name, 1, ?2) = ?1) = ?3");
  count.bind(1, std::string(model::k_instance_user_prefix))
      .bind(2, static_cast<std::int64_t>(model::k_instance_user_prefix.size()))
      .bind(3, static_cast<std::int64_t>(instance_key ? 1 : 0));
  BERTH_TRY(count.step());
  if (static_cast<std::size_t>(count.integer(0)) >= max_keys) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_keys) +
                                          (instance_key ? " container instance keys" : " access keys") +
                                          "; delete one before creating another.");
  }
  Stmt insert(m_db, std::string("INSERT INTO access_keys(") + k_key_columns + ") VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  BERTH_TRY(insert.bind(1, key.access_key_id)
                .bind(2, key.user_name)
                .bind(3, key.secret)
                .bind(4, key.policy_name)
                .bind(5, key.policy_document)
                .bind(6, key.created_at)
                .run());
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

Result<std::vector<std::string>> Store::delete_access_keys_of(const std::string& user_name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt select(m_db, "SELECT access_key_id FROM access_keys WHERE user_name = ?1");
  select.bind(1, user_name);
  std::vector<std::string> ids;
  while (true) {
    BERTH_ASSIGN(bool row, select.step());
    if (!row) break;
    ids.push_back(select.text(0));
  }
  if (ids.empty()) return ids;
  Stmt remove(m_db, "DELETE FROM access_keys WHERE user_name = ?1");
  BERTH_TRY(remove.bind(1, user_name).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete access keys"));
  return ids;
}

}  // namespace berth::store
