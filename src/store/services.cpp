#include "store/rows.hpp"
#include "store/store.hpp"

namespace berth::store {

Result<model::Service> read_service(const Stmt& stmt) {
  return model::service_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}

Result<void> upsert_service(Db& db, const model::Service& s) {
  Stmt stmt(db,
            "INSERT INTO services(cluster, name, status, body, created_at) VALUES(?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT(cluster, name) DO UPDATE SET status = excluded.status, body = excluded.body, "
            "created_at = excluded.created_at");
  return stmt.bind(1, s.cluster).bind(2, s.name).bind(3, std::string(model::to_wire(s.status)))
      .bind(4, model::service_to_record(s).dump()).bind(5, s.created_at).run();
}

Result<model::Service> Store::create_service(const model::Service& service, const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_active_cluster_locked(service.cluster));
  Stmt existing(m_db, "SELECT body FROM services WHERE cluster = ?1 AND name = ?2");
  existing.bind(1, service.cluster).bind(2, service.name);
  BERTH_ASSIGN(bool found, existing.step());
  model::Service created = service;
  if (found) {
    BERTH_ASSIGN(auto old, read_service(existing));
    if (old.status != model::ServiceStatus::inactive) {
      return fail(Code::invalid_parameter, "Creation of service was not idempotent: a service named '" + service.name +
                                               "' is " + std::string(model::to_wire(old.status)) + " in this cluster.");
    }
    created.version = old.version + 1;
  }
  BERTH_TRY(require_associated_locked(service.cluster, service.capacity_provider_strategy));
  BERTH_TRY(upsert_service(m_db, created));
  const std::string resource = "service/" + service.cluster + "/" + service.name;
  BERTH_TRY(remove_all_tags_locked(resource));
  BERTH_TRY(put_tags_locked(resource, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create service"));
  return created;
}

Result<std::optional<model::Service>> Store::find_service(const std::string& cluster, const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM services WHERE cluster = ?1 AND name = ?2");
  stmt.bind(1, cluster).bind(2, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Service>();
  BERTH_ASSIGN(auto service, read_service(stmt));
  return std::optional<model::Service>(std::move(service));
}

Result<std::vector<model::Service>> Store::list_services(const std::optional<std::string>& cluster,
                                                         const std::vector<model::ServiceStatus>& statuses,
                                                         const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  std::string in;
  // The wire names are fixed words, so they go into the statement as they are.
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    in += (i ? ",'" : "'") + std::string(model::to_wire(statuses[i])) + "'";
  }
  Stmt stmt(m_db, "SELECT body FROM services WHERE (?1 IS NULL OR cluster = ?1) AND status IN (" + in +
                      ") AND name > ?2 ORDER BY cluster, name LIMIT ?3");
  if (cluster) stmt.bind(1, *cluster);
  stmt.bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::Service>(stmt, read_service);
}

Result<bool> Store::replace_service(const model::Service& service, long long expected_version,
                                    const ResourceTags& new_tags, std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  BERTH_ASSIGN(bool replaced, replace_service_locked(service, expected_version, new_tags));
  if (!replaced) return false;
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update service"));
  return true;
}

Result<bool> Store::replace_service_locked(const model::Service& service, long long expected_version,
                                           const ResourceTags& new_tags) {
  Stmt current(m_db, "SELECT body FROM services WHERE cluster = ?1 AND name = ?2");
  current.bind(1, service.cluster).bind(2, service.name);
  BERTH_ASSIGN(bool exists, current.step());
  if (!exists) return fail(Code::service_not_found, "Service not found.");
  BERTH_ASSIGN(auto stored, read_service(current));
  if (stored.version != expected_version) return false;
  if (service.capacity_provider_strategy != stored.capacity_provider_strategy) {  // UpdateService's, checked again
    BERTH_TRY(require_associated_locked(service.cluster, service.capacity_provider_strategy));
  }
  BERTH_TRY(upsert_service(m_db, service));
  if (!new_tags.resource.empty()) BERTH_TRY(put_tags_locked(new_tags.resource, new_tags.tags));
  return true;
}

}  // namespace berth::store
