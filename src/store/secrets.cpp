#include "common/base64.hpp"
#include "store/store.hpp"

namespace berth::store {
namespace {

constexpr std::string_view k_secret_columns =
    "SELECT name, arn, description, kms_key_id, tags, created_at, changed_at, deletion_date FROM secrets ";

model::Secret read_secret(const Stmt& stmt) {
  model::Secret s;
  s.name = stmt.text(0);
  s.arn = stmt.text(1);
  s.description = stmt.text(2);
  s.kms_key_id = stmt.text(3);
  s.tags = model::Json::parse(stmt.text(4), nullptr, false);
  if (!s.tags.is_array()) s.tags = model::Json::array();
  s.created_at = stmt.integer(5);
  s.changed_at = stmt.integer(6);
  if (!stmt.is_null(7)) s.deletion_date = stmt.integer(7);
  return s;
}

Result<model::SecretVersion> read_version(const Stmt& stmt) {
  model::SecretVersion v;
  v.version_id = stmt.text(0);
  v.stage = stmt.text(1);
  v.binary = stmt.integer(2) != 0;
  v.created_at = stmt.integer(3);
  const auto sealed = base64_decode(stmt.text(4));
  if (!sealed) return fail(Code::server, "a stored secret version is damaged");
  v.sealed = *sealed;
  return v;
}

Result<void> insert_version(Db& db, const std::string& name, const model::SecretVersion& v) {
  Stmt stmt(db,
            "INSERT INTO secret_versions(secret_name, version_id, stage, is_binary, created_at, sealed) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  return stmt.bind(1, name).bind(2, v.version_id).bind(3, v.stage).bind(4, std::int64_t{v.binary})
      .bind(5, v.created_at).bind(6, base64_encode(v.sealed)).run();
}

}  // namespace

Result<void> Store::create_secret(const model::Secret& s, const std::optional<model::SecretVersion>& first,
                                  std::size_t max_secrets) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt existing(m_db, "SELECT deletion_date FROM secrets WHERE name = ?1");
  existing.bind(1, s.name);
  BERTH_ASSIGN(bool found, existing.step());
  if (found && !existing.is_null(0)) {
    return fail(Code::invalid_request,
                "You can't create this secret because a secret with this name is already scheduled for deletion.");
  }
  if (found) return fail(Code::resource_exists, "The operation failed because the secret " + s.name + " already exists.");
  Stmt count(m_db, "SELECT count(*) FROM secrets");
  BERTH_ASSIGN(bool counted, count.step());
  if (counted && static_cast<std::size_t>(count.integer(0)) >= max_secrets) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_secrets) + " secrets.");
  }
  Stmt insert(m_db,
              "INSERT INTO secrets(name, arn, description, kms_key_id, tags, created_at, changed_at) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  BERTH_TRY(insert.bind(1, s.name).bind(2, s.arn).bind(3, s.description).bind(4, s.kms_key_id)
                .bind(5, s.tags.dump()).bind(6, s.created_at).run());
  if (first) BERTH_TRY(insert_version(m_db, s.name, *first));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create secret"));
  return {};
}

Result<std::optional<model::Secret>> Store::find_secret(const std::string& name, const std::string& arn) {
  MutexLock lock(m_mutex);
  // An exact ARN wins over a secret whose name happens to look like that ARN's last part.
  Stmt stmt(m_db, std::string(k_secret_columns) + "WHERE arn = ?2 OR name = ?1 ORDER BY arn = ?2 DESC LIMIT 1");
  stmt.bind(1, name).bind(2, arn);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Secret>();
  return std::optional<model::Secret>(read_secret(stmt));
}

Result<std::vector<model::SecretVersion>> Store::secret_versions(const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT version_id, stage, is_binary, created_at, sealed FROM secret_versions WHERE secret_name = ?1 "
            "ORDER BY created_at DESC, version_id");
  stmt.bind(1, name);
  return collect_parsed_rows<model::SecretVersion>(stmt, read_version);
}

Result<std::vector<model::Secret>> Store::list_secrets() {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string(k_secret_columns) + "ORDER BY name");
  return collect_rows<model::Secret>(stmt, read_secret);
}

Result<void> Store::put_secret_version(const std::string& arn, const model::SecretVersion& version) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt secret(m_db, "SELECT name, deletion_date FROM secrets WHERE arn = ?1");
  secret.bind(1, arn);
  BERTH_ASSIGN(bool found, secret.step());
  if (!found) return fail(Code::resource_not_found, "Secrets Manager can't find the specified secret.");
  if (!secret.is_null(1)) {
    return fail(Code::invalid_request,
                "You can't perform this operation on the secret because it was marked for deletion.");
  }
  const std::string name = secret.text(0);
  Stmt taken(m_db, "SELECT 1 FROM secret_versions WHERE secret_name = ?1 AND version_id = ?2");
  taken.bind(1, name).bind(2, version.version_id);
  BERTH_ASSIGN(bool exists, taken.step());
  if (exists) return fail(Code::resource_exists, "You can't modify an existing version, you can only create a new version.");
  // Only AWSCURRENT and AWSPREVIOUS are kept: the previous one goes, the current one steps back.
  Stmt drop(m_db, "DELETE FROM secret_versions WHERE secret_name = ?1 AND stage = ?2");
  BERTH_TRY(drop.bind(1, name).bind(2, model::k_stage_previous).run());
  Stmt demote(m_db, "UPDATE secret_versions SET stage = ?2 WHERE secret_name = ?1 AND stage = ?3");
  BERTH_TRY(demote.bind(1, name).bind(2, model::k_stage_previous).bind(3, model::k_stage_current).run());
  model::SecretVersion current = version;
  current.stage = model::k_stage_current;
  BERTH_TRY(insert_version(m_db, name, current));
  Stmt changed(m_db, "UPDATE secrets SET changed_at = ?2 WHERE name = ?1");
  BERTH_TRY(changed.bind(1, name).bind(2, version.created_at).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put secret value"));
  return {};
}

Result<bool> Store::delete_secret(const std::string& arn, std::optional<EpochMs> when) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  if (when) {
    Stmt stmt(m_db, "UPDATE secrets SET deletion_date = ?2 WHERE arn = ?1");
    BERTH_TRY(stmt.bind(1, arn).bind(2, *when).run());
  } else {
    Stmt stmt(m_db, "DELETE FROM secrets WHERE arn = ?1");
    BERTH_TRY(stmt.bind(1, arn).run());
  }
  const bool changed = m_db.changes() > 0;
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete secret"));
  return changed;
}

Result<void> Store::purge_deleted_secrets(EpochMs now) {
  MutexLock lock(m_mutex);
  {
    Stmt due(m_db, "SELECT 1 FROM secrets WHERE deletion_date <= ?1 LIMIT 1");
    due.bind(1, now);
    BERTH_ASSIGN(bool any, due.step());
    if (!any) return {};
  }
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db, "DELETE FROM secrets WHERE deletion_date <= ?1");
  BERTH_TRY(stmt.bind(1, now).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("purge deleted secrets"));
  return {};
}

}  // namespace berth::store
