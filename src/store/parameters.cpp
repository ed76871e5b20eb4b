#include "common/base64.hpp"
#include "store/store.hpp"

namespace berth::store {

Result<bool> Store::put_parameter(const model::Parameter& p, const model::ParameterVersion& version,
                                  long long expected_version, std::size_t max_parameters) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  {
    Stmt current(m_db, "SELECT version FROM parameters WHERE name = ?1");
    current.bind(1, p.name);
    BERTH_ASSIGN(bool found, current.step());
    if ((found ? current.integer(0) : 0) != expected_version) return false;
  }
  if (expected_version == 0) {
    Stmt count(m_db, "SELECT count(*) FROM parameters");
    BERTH_ASSIGN(bool counted, count.step());
    if (counted && static_cast<std::size_t>(count.integer(0)) >= max_parameters) {
      return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_parameters) + " parameters.");
    }
  }
  Stmt upsert(m_db,
              "INSERT INTO parameters(name, type, description, tier, data_type, version, modified_at, tags) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(name) DO UPDATE SET type = excluded.type, "
              "description = excluded.description, tier = excluded.tier, data_type = excluded.data_type, "
              "version = excluded.version, modified_at = excluded.modified_at");
  BERTH_TRY(upsert.bind(1, p.name).bind(2, p.type).bind(3, p.description).bind(4, p.tier).bind(5, p.data_type)
                .bind(6, p.version).bind(7, p.modified_at).bind(8, p.tags.dump()).run());
  Stmt insert(m_db,
              "INSERT INTO parameter_versions(name, version, type, description, modified_at, sealed) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  BERTH_TRY(insert.bind(1, p.name).bind(2, version.version).bind(3, version.type).bind(4, version.description)
                .bind(5, version.modified_at).bind(6, base64_encode(version.sealed)).run());
  Stmt trim(m_db, "DELETE FROM parameter_versions WHERE name = ?1 AND version <= ?2");
  BERTH_TRY(trim.bind(1, p.name).bind(2, version.version - model::k_max_parameter_versions).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put parameter"));
  return true;
}

Result<std::optional<model::Parameter>> Store::find_parameter(const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT name, type, description, tier, data_type, version, modified_at, tags FROM parameters "
            "WHERE name = ?1");
  stmt.bind(1, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Parameter>();
  model::Parameter p;
  p.name = stmt.text(0);
  p.type = stmt.text(1);
  p.description = stmt.text(2);
  p.tier = stmt.text(3);
  p.data_type = stmt.text(4);
  p.version = stmt.integer(5);
  p.modified_at = stmt.integer(6);
  p.tags = model::Json::parse(stmt.text(7), nullptr, false);
  if (!p.tags.is_array()) p.tags = model::Json::array();
  return std::optional<model::Parameter>(std::move(p));
}

Result<std::optional<model::ParameterVersion>> Store::parameter_version(const std::string& name, long long version) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT version, type, description, modified_at, sealed FROM parameter_versions "
            "WHERE name = ?1 AND version = ?2");
  stmt.bind(1, name).bind(2, version);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ParameterVersion>();
  model::ParameterVersion v;
  v.version = stmt.integer(0);
  v.type = stmt.text(1);
  v.description = stmt.text(2);
  v.modified_at = stmt.integer(3);
  const auto sealed = base64_decode(stmt.text(4));
  if (!sealed) return fail(Code::server, "a stored parameter version is damaged");
  v.sealed = *sealed;
  return std::optional<model::ParameterVersion>(std::move(v));
}

Result<std::vector<std::string>> Store::parameter_names(const std::string& prefix, const std::string& after,
                                                        std::size_t limit) {
  MutexLock lock(m_mutex);
  // substr() rather than LIKE: names contain '_', which LIKE treats as a wildcard.
  Stmt stmt(m_db,
            "SELECT name FROM parameters WHERE substr(name, 1, length(?1)) = ?1 AND name > ?2 ORDER BY name LIMIT ?3");
  stmt.bind(1, prefix).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return collect_rows<std::string>(stmt, [](const Stmt& s) { return s.text(0); });
}

Result<bool> Store::delete_parameter(const std::string& name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db, "DELETE FROM parameters WHERE name = ?1");
  BERTH_TRY(stmt.bind(1, name).run());
  const bool deleted = m_db.changes() > 0;
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete parameter"));
  return deleted;
}

}  // namespace berth::store
