#include "store/store.hpp"
#include "store/rows.hpp"

namespace berth::store {
namespace {

constexpr const char* k_cluster_columns = "name, status, settings, capacity, created_at";

Result<model::Cluster> read_cluster(const Stmt& stmt) {
  model::Cluster c;
  c.name = stmt.text(0);
  BERTH_ASSIGN(c.status, read_status<model::ClusterStatus>(stmt, 1, "cluster"));
  c.settings = model::Json::parse(stmt.text(2), nullptr, false);
  c.capacity = model::Json::parse(stmt.text(3), nullptr, false);
  c.created_at = stmt.integer(4);
  return c;
}

Result<std::optional<model::Cluster>> find_cluster_in(Db& db, const std::string& name) {
  Stmt stmt(db, std::string("SELECT ") + k_cluster_columns + " FROM clusters WHERE name = ?1");
  stmt.bind(1, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Cluster>();
  BERTH_ASSIGN(auto cluster, read_cluster(stmt));
  return std::optional<model::Cluster>(std::move(cluster));
}

Result<long long> count_of(Db& db, const char* sql, const std::string& cluster) {
  Stmt stmt(db, sql);
  stmt.bind(1, cluster);
  BERTH_TRY(stmt.step());
  return stmt.integer(0);
}

Result<model::ClusterCounts> counts_in(Db& db, const std::string& name) {
  model::ClusterCounts counts;
  BERTH_ASSIGN(counts.container_instances,
               count_of(db, "SELECT count(*) FROM container_instances WHERE cluster = ?1 "
                            "AND status IN ('ACTIVE','DRAINING','REGISTERING')", name));
  BERTH_ASSIGN(counts.running_tasks,
               count_of(db, "SELECT count(*) FROM tasks WHERE cluster = ?1 AND last_status = 'RUNNING'", name));
  BERTH_ASSIGN(counts.pending_tasks,
               count_of(db, "SELECT count(*) FROM tasks WHERE cluster = ?1 AND last_status IN "
                            "('PROVISIONING','PENDING','ACTIVATING')", name));
  BERTH_ASSIGN(counts.active_services,
               count_of(db, "SELECT count(*) FROM services WHERE cluster = ?1 AND status = 'ACTIVE'", name));
  BERTH_ASSIGN(counts.draining_services,
               count_of(db, "SELECT count(*) FROM services WHERE cluster = ?1 AND status = 'DRAINING'", name));
  return counts;
}

// The ACTIVE cluster `name`, or ClusterNotFoundException.
Result<model::Cluster> active_cluster_in(Db& db, const std::string& name) {
  BERTH_ASSIGN(auto existing, find_cluster_in(db, name));
  if (!existing || existing->status != model::ClusterStatus::active) {
    return fail(Code::cluster_not_found, "Cluster not found.");
  }
  return std::move(*existing);
}

// The value of setting `name` for the account: its root user's, else ECS's default (as
// svc::account_default finds it, read inside the caller's transaction).
Result<std::string> account_default_in(Db& db, std::string_view account, std::string_view name) {
  const model::SettingRule* rule = model::find_setting_rule(name);
  BERTH_CHECK(rule != nullptr);
  Stmt stmt(db, "SELECT value FROM account_settings WHERE principal_arn = ?1 AND name = ?2");
  stmt.bind(1, model::root_principal(account)).bind(2, std::string(name));
  BERTH_ASSIGN(bool row, stmt.step());
  return row ? stmt.text(0) : std::string(rule->default_value);
}

Result<void> upsert_cluster(Db& db, const model::Cluster& c) {
  Stmt stmt(db,
            "INSERT INTO clusters(name, status, settings, capacity, created_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET status = excluded.status, "
            "settings = excluded.settings, capacity = excluded.capacity, "
            "created_at = excluded.created_at");
  return stmt.bind(1, c.name)
      .bind(2, std::string(model::to_wire(c.status)))
      .bind(3, c.settings.dump())
      .bind(4, c.capacity.dump())
      .bind(5, c.created_at)
      .run();
}

}  // namespace

Result<model::Cluster> Store::create_cluster(const model::Cluster& wanted,
                                             const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, find_cluster_in(m_db, wanted.name));
  if (existing && existing->status == model::ClusterStatus::active) return *existing;
  BERTH_TRY(require_providers_exist_locked(model::associated_capacity_providers(wanted.capacity)));
  BERTH_TRY(upsert_cluster(m_db, wanted));
  const std::string resource = "cluster/" + wanted.name;
  BERTH_TRY(remove_all_tags_locked(resource));
  BERTH_TRY(put_tags_locked(resource, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create cluster"));
  return wanted;
}

Result<bool> Store::ensure_cluster(const std::string& name, EpochMs now, std::string_view account) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, find_cluster_in(m_db, name));
  if (existing && existing->status == model::ClusterStatus::active) return false;
  BERTH_ASSIGN(auto insights, account_default_in(m_db, account, model::k_container_insights_setting));
  model::Cluster cluster;
  cluster.name = name;
  cluster.settings = model::Json::array({{{"name", model::k_container_insights_setting}, {"value", insights}}});
  cluster.created_at = now;
  BERTH_TRY(upsert_cluster(m_db, cluster));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("ensure cluster"));
  return true;
}

Result<std::optional<model::Cluster>> Store::find_cluster(const std::string& name) {
  MutexLock lock(m_mutex);
  return find_cluster_in(m_db, name);
}

Result<void> Store::require_active_cluster_locked(const std::string& cluster) {
  BERTH_ASSIGN(auto found, find_cluster_in(m_db, cluster));
  if (!found || found->status != model::ClusterStatus::active) return fail(Code::cluster_not_found, "Cluster not found.");
  return {};
}

Result<std::vector<model::Cluster>> Store::list_clusters(const std::string& after,
                                                         std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_cluster_columns +
                      " FROM clusters WHERE status = 'ACTIVE' AND name > ?1 ORDER BY name LIMIT ?2");
  stmt.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  return collect_rows<model::Cluster>(stmt, read_cluster);
}

Result<model::ClusterCounts> Store::cluster_counts(const std::string& name) {
  MutexLock lock(m_mutex);
  return counts_in(m_db, name);
}

Result<model::Cluster> Store::delete_cluster(const std::string& name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, active_cluster_in(m_db, name));
  BERTH_ASSIGN(auto counts, counts_in(m_db, name));
  if (counts.container_instances > 0) {
    return fail(Code::cluster_contains_container_instances,
                "The Cluster cannot be deleted while Container Instances are active or draining.");
  }
  if (counts.active_services + counts.draining_services > 0) {
    return fail(Code::cluster_contains_services,
                "The Cluster cannot be deleted while Services are active.");
  }
  BERTH_ASSIGN(long long unstopped_tasks,
               count_of(m_db, "SELECT count(*) FROM tasks WHERE cluster = ?1 AND last_status != 'STOPPED'", name));
  if (unstopped_tasks > 0) {
    return fail(Code::cluster_contains_tasks,
                "The Cluster cannot be deleted while Tasks are active.");
  }
  existing.status = model::ClusterStatus::inactive;
  Stmt stmt(m_db, "UPDATE clusters SET status = 'INACTIVE' WHERE name = ?1");
  BERTH_TRY(stmt.bind(1, name).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete cluster"));
  return existing;
}

Result<model::Cluster> Store::update_cluster(const std::string& name, const ClusterUpdate& update) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, active_cluster_in(m_db, name));
  model::Cluster updated = existing;
  if (update.settings) updated.settings = *update.settings;
  const auto set_member = [&](const char* key, const std::optional<model::Json>& value) {
    if (!value) return;
    if (value->is_null()) {
      updated.capacity.erase(key);
    } else {
      updated.capacity[key] = *value;
    }
  };
  set_member("configuration", update.configuration);
  set_member("serviceConnectDefaults", update.service_connect_defaults);
  if (updated.settings == existing.settings && updated.capacity == existing.capacity) return existing;
  Stmt stmt(m_db, "UPDATE clusters SET settings = ?2, capacity = ?3 WHERE name = ?1");
  BERTH_TRY(stmt.bind(1, name).bind(2, updated.settings.dump()).bind(3, updated.capacity.dump()).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update cluster"));
  return updated;
}

}  // namespace berth::store
