// Service Connect namespaces: which services a namespace holds, found in SQL so that a page of
// ListServicesByNamespace reads only its own rows, not every cluster and service.
#include "store/store.hpp"

namespace berth::store {
namespace {

// ACTIVE services of ACTIVE clusters with the Service Connect namespace each uses ('' = none):
// its own when it gives one, else its cluster's default, and only while Service Connect is
// enabled (as model::service_connect_namespace decides).
constexpr const char* k_namespaced_services =
    "WITH namespaced AS (SELECT s.cluster AS cluster, s.name AS name, "
    "CASE WHEN json_extract(s.body, '$.attachments.serviceConnectConfiguration.enabled') = 1 THEN "
    "coalesce(nullif(json_extract(s.body, '$.attachments.serviceConnectConfiguration.namespace'), ''), "
    "json_extract(c.capacity, '$.serviceConnectDefaults.namespace'), '') ELSE '' END AS namespace "
    "FROM services s JOIN clusters c ON c.name = s.cluster WHERE s.status = 'ACTIVE' AND c.status = 'ACTIVE') ";

std::string json_array_of(const std::vector<std::string>& names) { return model::Json(names).dump(); }

}  // namespace

Result<std::vector<ServiceName>> Store::services_in_namespace(const std::vector<std::string>& names,
                                                             const ServiceName& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string(k_namespaced_services) +
                      "SELECT cluster, name FROM namespaced WHERE namespace != '' AND namespace IN "
                      "(SELECT value FROM json_each(?1)) AND (cluster > ?2 OR (cluster = ?2 AND name > ?3)) "
                      "ORDER BY cluster, name LIMIT ?4");
  stmt.bind(1, json_array_of(names)).bind(2, after.cluster).bind(3, after.name).bind(4, static_cast<std::int64_t>(limit));
  return collect_rows<ServiceName>(stmt, [](const Stmt& row) { return ServiceName{row.text(0), row.text(1)}; });
}

Result<bool> Store::namespace_known(const std::vector<std::string>& names) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string(k_namespaced_services) +
                      "SELECT EXISTS(SELECT 1 FROM clusters WHERE status = 'ACTIVE' AND "
                      "json_extract(capacity, '$.serviceConnectDefaults.namespace') IN (SELECT value FROM json_each(?1))) "
                      "OR EXISTS(SELECT 1 FROM namespaced WHERE namespace != '' AND "
                      "namespace IN (SELECT value FROM json_each(?1)))");
  stmt.bind(1, json_array_of(names));
  BERTH_TRY(stmt.step());
  return stmt.integer(0) != 0;
}

}  // namespace berth::store
