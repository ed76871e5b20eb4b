#include <algorithm>

#include "model/capacity_provider_strategy.hpp"
#include "store/store.hpp"
#include "store/task_queries.hpp"

namespace berth::store {
namespace {

Result<model::CapacityProvider> read_provider(const Stmt& stmt) {
  auto provider = model::capacity_provider_from_record(model::Json::parse(stmt.text(0), nullptr, false));
  if (!provider) return fail(Code::server, "corrupt capacity provider record");
  return provider;
}

Result<std::optional<model::CapacityProvider>> find_provider_in(Db& db, const std::string& name) {
  Stmt stmt(db, "SELECT body FROM capacity_providers WHERE name = ?1");
  stmt.bind(1, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::CapacityProvider>();
  BERTH_ASSIGN(auto provider, read_provider(stmt));
  return std::optional<model::CapacityProvider>(std::move(provider));
}

Result<model::CapacityProvider> existing_provider_in(Db& db, const std::string& name) {
  BERTH_ASSIGN(auto found, find_provider_in(db, name));
  if (!found) {
    return fail(Code::client, "The specified capacity provider does not exist. Specify a valid name or ARN and try "
                              "again.");
  }
  return std::move(*found);
}

Result<void> upsert_provider(Db& db, const model::CapacityProvider& provider) {
  Stmt stmt(db, "INSERT INTO capacity_providers(name, body) VALUES(?1, ?2) "
                "ON CONFLICT(name) DO UPDATE SET body = excluded.body");
  return stmt.bind(1, provider.name).bind(2, model::capacity_provider_to_record(provider).dump()).run();
}

// The first ACTIVE cluster whose capacityProviders list `name`, or "".
Result<std::string> cluster_having(Db& db, const std::string& name) {
  Stmt stmt(db, "SELECT name FROM clusters WHERE status = 'ACTIVE' AND EXISTS (SELECT 1 FROM "
                "json_each(capacity, '$.capacityProviders') WHERE value = ?1) ORDER BY name LIMIT 1");
  stmt.bind(1, name);
  BERTH_ASSIGN(bool row, stmt.step());
  return row ? stmt.text(0) : std::string();
}

}  // namespace

Result<bool> Store::provider_in_use_locked(const std::string& cluster, const std::string& provider) {
  Stmt services(m_db, "SELECT 1 FROM services WHERE cluster = ?1 AND status != 'INACTIVE' AND EXISTS (SELECT 1 FROM "
                      "json_each(body, '$.capacityProviderStrategy') WHERE json_extract(value, '$.capacityProvider') "
                      "= ?2) LIMIT 1");
  services.bind(1, cluster).bind(2, provider);
  BERTH_ASSIGN(bool used, services.step());
  if (used) return true;
  Stmt tasks(m_db, select_not_stopped_tasks("1", "cluster = ?1 AND json_extract(body, '$.capacityProviderName') = ?2") +
                       " LIMIT 1");
  tasks.bind(1, cluster).bind(2, provider);
  BERTH_ASSIGN(used, tasks.step());
  if (used) return true;
  Stmt daemons(m_db, "SELECT name FROM daemons WHERE cluster = ?1 AND EXISTS (SELECT 1 FROM "
                     "json_each(body, '$.capacityProviders') WHERE value = ?2)");
  daemons.bind(1, cluster).bind(2, provider);
  while (true) {
    BERTH_ASSIGN(bool row, daemons.step());
    if (!row) return false;
    BERTH_ASSIGN(bool exists, daemon_exists_locked(cluster, daemons.text(0)));
    if (exists) return true;
  }
}

Result<void> Store::create_capacity_provider(const model::CapacityProvider& provider,
                                             const std::vector<model::Tag>& tags, std::size_t max_providers) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, find_provider_in(m_db, provider.name));
  if (existing) {
    return fail(Code::client, "The specified capacity provider already exists. To change the configuration of an "
                              "existing capacity provider, update the capacity provider.");
  }
  Stmt count(m_db, "SELECT count(*) FROM capacity_providers");
  BERTH_TRY(count.step());
  if (count.integer(0) >= static_cast<std::int64_t>(max_providers)) {
    return fail(Code::limit_exceeded, "The limit of " + std::to_string(max_providers) +
                                          " capacity providers has been reached. Delete a capacity provider you no "
                                          "longer use and try again.");
  }
  Stmt same_group(m_db, "SELECT name FROM capacity_providers WHERE "
                        "json_extract(body, '$.autoScalingGroupProvider.autoScalingGroupArn') = ?1");
  same_group.bind(1, provider.auto_scaling_group_provider.value("autoScalingGroupArn", ""));
  BERTH_ASSIGN(bool taken, same_group.step());
  if (taken) {
    return fail(Code::client, "The specified Auto Scaling group is already used by capacity provider " +
                                  same_group.text(0) + ".");
  }
  BERTH_TRY(upsert_provider(m_db, provider));
  const std::string resource = "capacity-provider/" + provider.name;
  BERTH_TRY(remove_all_tags_locked(resource));
  BERTH_TRY(put_tags_locked(resource, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create capacity provider"));
  return {};
}

Result<std::optional<model::CapacityProvider>> Store::find_capacity_provider(const std::string& name) {
  MutexLock lock(m_mutex);
  return find_provider_in(m_db, name);
}

Result<std::vector<model::CapacityProvider>> Store::list_capacity_providers(const std::string& after,
                                                                           std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM capacity_providers WHERE name > ?1 ORDER BY name LIMIT ?2");
  stmt.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  return collect_rows<model::CapacityProvider>(stmt, read_provider);
}

Result<model::CapacityProvider> Store::update_capacity_provider(
    const std::string& name, const std::function<Result<void>(model::CapacityProvider&)>& change) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto provider, existing_provider_in(m_db, name));
  BERTH_TRY(change(provider));
  BERTH_TRY(upsert_provider(m_db, provider));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update capacity provider"));
  return provider;
}

Result<model::CapacityProvider> Store::delete_capacity_provider(const std::string& name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto provider, existing_provider_in(m_db, name));
  BERTH_ASSIGN(auto cluster, cluster_having(m_db, name));
  if (!cluster.empty()) {
    provider.update_status = "DELETE_FAILED";
    provider.update_status_reason = "The capacity provider cannot be deleted because it is associated with cluster: " +
                                    cluster + ". Remove the capacity provider from the cluster and try again.";
    BERTH_TRY(upsert_provider(m_db, provider));
  } else {
    Stmt stmt(m_db, "DELETE FROM capacity_providers WHERE name = ?1");
    BERTH_TRY(stmt.bind(1, name).run());
    BERTH_TRY(remove_all_tags_locked("capacity-provider/" + name));
    provider.status = model::CapacityProviderStatus::inactive;
    provider.update_status = "DELETE_COMPLETE";
    provider.update_status_reason.clear();
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete capacity provider"));
  return provider;
}

Result<void> Store::set_cluster_capacity_providers(const std::string& cluster,
                                                   const std::vector<std::string>& providers,
                                                   const model::Json& strategy) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt read(m_db, "SELECT capacity FROM clusters WHERE name = ?1 AND status = 'ACTIVE'");
  read.bind(1, cluster);
  BERTH_ASSIGN(bool row, read.step());
  if (!row) return fail(Code::cluster_not_found, "Cluster not found.");
  model::Json capacity = model::Json::parse(read.text(0), nullptr, false);
  if (!capacity.is_object()) capacity = model::Json::object();
  BERTH_TRY(require_providers_exist_locked(providers));
  for (const auto& name : model::associated_capacity_providers(capacity)) {
    if (std::find(providers.begin(), providers.end(), name) != providers.end()) continue;
    BERTH_ASSIGN(bool used, provider_in_use_locked(cluster, name));
    if (used) return fail(Code::resource_in_use, "The specified capacity provider is in use and cannot be removed.");
  }
  const model::Json wanted{{"capacityProviders", providers}, {"defaultCapacityProviderStrategy", strategy}};
  if (capacity.value("capacityProviders", model::Json::array()) == wanted["capacityProviders"] &&
      capacity.value("defaultCapacityProviderStrategy", model::Json::array()) == strategy) {
    return {};  // nothing changes, nothing is written
  }
  capacity["capacityProviders"] = wanted["capacityProviders"];
  capacity["defaultCapacityProviderStrategy"] = strategy;
  Stmt write(m_db, "UPDATE clusters SET capacity = ?2 WHERE name = ?1");
  BERTH_TRY(write.bind(1, cluster).bind(2, capacity.dump()).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put cluster capacity providers"));
  return {};
}

Result<void> Store::require_associated_locked(const std::string& cluster, const model::Json& strategy_items) {
  BERTH_ASSIGN(const auto strategy, model::read_capacity_provider_strategy(strategy_items));
  if (strategy.empty()) return {};
  Stmt read(m_db, "SELECT capacity FROM clusters WHERE name = ?1 AND status = 'ACTIVE'");
  read.bind(1, cluster);
  BERTH_ASSIGN(bool row, read.step());
  if (!row) return fail(Code::cluster_not_found, "Cluster not found.");
  return model::check_strategy_associated(strategy,
                                          model::associated_capacity_providers(model::Json::parse(read.text(0), nullptr, false)));
}

Result<void> Store::require_providers_exist_locked(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    BERTH_ASSIGN(auto found, find_provider_in(m_db, name));
    if (!found) return fail(Code::invalid_parameter, "The specified capacity provider does not exist: " + name + ".");
  }
  return {};
}

}  // namespace berth::store
