// ECS account settings: one row per (principal, name) someone set. Defaults are never stored, so
// a change of ECS's default reaches every principal that did not choose.
#include "store/store.hpp"

namespace berth::store {
namespace {

model::AccountSetting read_setting(const Stmt& stmt) {
  return {stmt.text(1), stmt.text(2), stmt.text(0), model::SettingType::user};
}

Result<std::vector<model::AccountSetting>> settings_of(Db& db, const std::string& principal_arn,
                                                       const std::optional<std::string>& name) {
  Stmt stmt(db, "SELECT principal_arn, name, value FROM account_settings WHERE principal_arn = ?1 "
                "AND (?2 IS NULL OR name = ?2) ORDER BY name");
  stmt.bind(1, principal_arn);
  if (name) {
    stmt.bind(2, *name);
  } else {
    stmt.bind_null(2);
  }
  return collect_rows<model::AccountSetting>(stmt, read_setting);
}

}  // namespace

Result<std::vector<model::AccountSetting>> Store::account_settings_of(const std::string& principal_arn,
                                                                      const std::optional<std::string>& name) {
  MutexLock lock(m_mutex);
  return settings_of(m_db, principal_arn, name);
}

Result<void> Store::put_account_setting(const model::AccountSetting& setting) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  // A principal new to the table counts against the bound; the root user (the account's
  // defaults, "arn:aws:iam::<account>:root") never does.
  if (!setting.principal_arn.ends_with(":root")) {
    Stmt count(m_db, "SELECT EXISTS(SELECT 1 FROM account_settings WHERE principal_arn = ?1), "
                     "(SELECT count(DISTINCT principal_arn) FROM account_settings WHERE substr(principal_arn, -5) != ':root')");
    count.bind(1, setting.principal_arn);
    BERTH_TRY(count.step());
    if (count.integer(0) == 0 && count.integer(1) >= static_cast<std::int64_t>(model::k_max_setting_principals)) {
      return fail(Code::client, std::to_string(model::k_max_setting_principals) +
                                    " principals already have account settings of their own: delete some first.");
    }
  }
  // Flash wear: the upsert writes only when the value differs.
  Stmt stmt(m_db, "INSERT INTO account_settings(principal_arn, name, value) VALUES(?1, ?2, ?3) "
                  "ON CONFLICT(principal_arn, name) DO UPDATE SET value = excluded.value "
                  "WHERE value != excluded.value");
  BERTH_TRY(stmt.bind(1, setting.principal_arn).bind(2, setting.name).bind(3, setting.value).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put account setting"));
  return {};
}

Result<std::optional<model::AccountSetting>> Store::delete_account_setting(const std::string& principal_arn,
                                                                           const std::string& name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto rows, settings_of(m_db, principal_arn, name));
  if (rows.empty()) return std::optional<model::AccountSetting>{};
  Stmt stmt(m_db, "DELETE FROM account_settings WHERE principal_arn = ?1 AND name = ?2");
  BERTH_TRY(stmt.bind(1, principal_arn).bind(2, name).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete account setting"));
  return std::optional<model::AccountSetting>{std::move(rows.front())};
}

}  // namespace berth::store
