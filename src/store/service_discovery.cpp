// Cloud Map state: namespaces, services, custom instances and operations, each row's body its
// model record. ECS-registered instances are not stored: they are read from the tasks table
// when asked for (svc/service_registrations.cpp), so they follow the tasks at once.
#include "store/store.hpp"

namespace berth::store {
namespace {

// How many operations GetOperation can still find: older ones are dropped as new ones come.
constexpr std::int64_t k_kept_operations = 1000;

template <class T>
Result<T> parse_body(const Stmt& stmt, int column, Result<T> (*from_record)(const model::Json&)) {
  const auto json = model::Json::parse(stmt.text(column), nullptr, false);
  if (json.is_discarded()) return fail(Code::server, "a stored Cloud Map record is not JSON");
  return from_record(json);
}

// The record of the first row `sql` finds with `keys` bound as ?1, ?2, ... (its body in column 0).
template <class T>
Result<std::optional<T>> find_body(Db& db, std::string_view sql, std::initializer_list<std::string_view> keys,
                                   Result<T> (*from_record)(const model::Json&)) {
  Stmt stmt(db, sql);
  int index = 0;
  for (const auto key : keys) stmt.bind(++index, key);
  BERTH_ASSIGN(const bool row, stmt.step());
  if (!row) return std::optional<T>();
  BERTH_ASSIGN(auto found, parse_body(stmt, 0, from_record));
  return std::optional<T>(std::move(found));
}

Result<std::int64_t> count_of(Db& db, std::string_view sql, const std::string& key) {
  Stmt stmt(db, sql);
  if (!key.empty()) stmt.bind(1, key);
  BERTH_ASSIGN(const bool row, stmt.step());
  return row ? stmt.integer(0) : 0;
}

Result<void> record_operation(Db& db, const model::SdOperation& operation) {
  Stmt insert(db, "INSERT INTO sd_operations(id, body, created_at) VALUES(?1, ?2, ?3)");
  BERTH_TRY(insert.bind(1, operation.id).bind(2, model::operation_to_record(operation).dump())
                .bind(3, operation.created_at).run());
  Stmt prune(db, "DELETE FROM sd_operations WHERE rowid <= (SELECT max(rowid) FROM sd_operations) - ?1");
  return prune.bind(1, k_kept_operations).run();
}

}  // namespace

Result<void> Store::create_sd_namespace(const model::SdNamespace& ns, const model::SdOperation& operation,
                                        std::size_t max_namespaces) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto taken, count_of(m_db, "SELECT count(*) FROM sd_namespaces WHERE name = ?1", ns.name));
  if (taken > 0) return fail(Code::resource_exists, "A namespace named " + ns.name + " already exists.");
  BERTH_ASSIGN(const auto count, count_of(m_db, "SELECT count(*) FROM sd_namespaces", ""));
  if (static_cast<std::size_t>(count) >= max_namespaces) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_namespaces) + " namespaces.");
  }
  Stmt insert(m_db, "INSERT INTO sd_namespaces(id, name, body, created_at) VALUES(?1, ?2, ?3, ?4)");
  BERTH_TRY(insert.bind(1, ns.id).bind(2, ns.name).bind(3, model::namespace_to_record(ns).dump())
                .bind(4, ns.created_at).run());
  BERTH_TRY(record_operation(m_db, operation));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create namespace"));
  return {};
}

Result<std::optional<model::SdNamespace>> Store::find_sd_namespace(const std::string& id_or_name) {
  MutexLock lock(m_mutex);
  return find_body(m_db, "SELECT body FROM sd_namespaces WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1",
                   {id_or_name}, model::namespace_from_record);
}

Result<std::vector<std::pair<model::SdNamespace, std::size_t>>> Store::list_sd_namespaces() {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT n.body, (SELECT count(*) FROM sd_services s WHERE s.namespace_id = n.id) FROM sd_namespaces n "
            "ORDER BY n.id");
  return collect_parsed_rows<std::pair<model::SdNamespace, std::size_t>>(
      stmt, [](const Stmt& row) -> Result<std::pair<model::SdNamespace, std::size_t>> {
        BERTH_ASSIGN(auto ns, parse_body(row, 0, model::namespace_from_record));
        return std::pair{std::move(ns), static_cast<std::size_t>(row.integer(1))};
      });
}

Result<bool> Store::delete_sd_namespace(const std::string& id, const model::SdOperation& operation) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto exists, count_of(m_db, "SELECT count(*) FROM sd_namespaces WHERE id = ?1", id));
  if (exists == 0) return false;
  BERTH_ASSIGN(const auto services, count_of(m_db, "SELECT count(*) FROM sd_services WHERE namespace_id = ?1", id));
  if (services > 0) {
    return fail(Code::resource_in_use, "The namespace " + id + " holds " + std::to_string(services) +
                                           " services; delete them first.");
  }
  Stmt erase(m_db, "DELETE FROM sd_namespaces WHERE id = ?1");
  BERTH_TRY(erase.bind(1, id).run());
  BERTH_TRY(record_operation(m_db, operation));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete namespace"));
  return true;
}

Result<void> Store::create_sd_service(const model::SdService& service, std::size_t max_services) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto ns, count_of(m_db, "SELECT count(*) FROM sd_namespaces WHERE id = ?1", service.namespace_id));
  if (ns == 0) return fail(Code::namespace_not_found, "Namespace " + service.namespace_id + " not found.");
  Stmt taken(m_db, "SELECT id FROM sd_services WHERE namespace_id = ?1 AND name = ?2");
  taken.bind(1, service.namespace_id).bind(2, service.name);
  BERTH_ASSIGN(const bool exists, taken.step());
  if (exists) {
    return fail(Code::resource_exists, "A service named " + service.name + " already exists in namespace " +
                                                  service.namespace_id + ": " + taken.text(0) + ".");
  }
  BERTH_ASSIGN(const auto count, count_of(m_db, "SELECT count(*) FROM sd_services", ""));
  if (static_cast<std::size_t>(count) >= max_services) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_services) + " Cloud Map services.");
  }
  Stmt insert(m_db, "INSERT INTO sd_services(id, namespace_id, name, body, created_at) VALUES(?1, ?2, ?3, ?4, ?5)");
  BERTH_TRY(insert.bind(1, service.id).bind(2, service.namespace_id).bind(3, service.name)
                .bind(4, model::sd_service_to_record(service).dump()).bind(5, service.created_at).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create service"));
  return {};
}

Result<std::optional<model::SdService>> Store::find_sd_service(const std::string& id) {
  MutexLock lock(m_mutex);
  return find_body(m_db, "SELECT body FROM sd_services WHERE id = ?1", {id}, model::sd_service_from_record);
}

Result<std::optional<model::SdService>> Store::find_sd_service_named(const std::string& namespace_id,
                                                                     const std::string& name) {
  MutexLock lock(m_mutex);
  return find_body(m_db, "SELECT body FROM sd_services WHERE namespace_id = ?1 AND name = ?2", {namespace_id, name},
                   model::sd_service_from_record);
}

Result<std::vector<std::pair<model::SdService, std::size_t>>> Store::list_sd_services(
    const std::optional<std::string>& namespace_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT s.body, (SELECT count(*) FROM sd_instances i WHERE i.service_id = s.id) FROM sd_services s "
            "WHERE ?1 IS NULL OR s.namespace_id = ?1 ORDER BY s.id");
  if (namespace_id) {
    stmt.bind(1, *namespace_id);
  } else {
    stmt.bind_null(1);
  }
  return collect_parsed_rows<std::pair<model::SdService, std::size_t>>(
      stmt, [](const Stmt& row) -> Result<std::pair<model::SdService, std::size_t>> {
        BERTH_ASSIGN(auto service, parse_body(row, 0, model::sd_service_from_record));
        return std::pair{std::move(service), static_cast<std::size_t>(row.integer(1))};
      });
}

Result<bool> Store::delete_sd_service(const std::string& id) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto exists, count_of(m_db, "SELECT count(*) FROM sd_services WHERE id = ?1", id));
  if (exists == 0) return false;
  BERTH_ASSIGN(const auto instances, count_of(m_db, "SELECT count(*) FROM sd_instances WHERE service_id = ?1", id));
  if (instances > 0) {
    return fail(Code::resource_in_use, "The service " + id + " has " + std::to_string(instances) +
                                           " registered instances; deregister them first.");
  }
  Stmt erase(m_db, "DELETE FROM sd_services WHERE id = ?1");
  BERTH_TRY(erase.bind(1, id).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete service"));
  return true;
}

Result<void> Store::put_sd_instance(const std::string& service_id, const model::SdInstance& instance,
                                    const model::SdOperation& operation, std::size_t max_instances) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto exists, count_of(m_db, "SELECT count(*) FROM sd_services WHERE id = ?1", service_id));
  if (exists == 0) return fail(Code::service_not_found, "Service " + service_id + " not found.");
  Stmt count(m_db, "SELECT count(*), coalesce(sum(id = ?2), 0) FROM sd_instances WHERE service_id = ?1");
  count.bind(1, service_id).bind(2, instance.id);
  BERTH_TRY(count.step());
  if (count.integer(1) == 0 && static_cast<std::size_t>(count.integer(0)) >= max_instances) {
    return fail(Code::limit_exceeded, "A service holds at most " + std::to_string(max_instances) + " instances.");
  }
  model::Json attributes = model::Json::object();
  for (const auto& [key, value] : instance.attributes) attributes[key] = value;
  Stmt insert(m_db,
              "INSERT OR REPLACE INTO sd_instances(service_id, id, creator_request_id, attributes) VALUES(?1, ?2, ?3, ?4)");
  BERTH_TRY(insert.bind(1, service_id).bind(2, instance.id).bind(3, instance.creator_request_id)
                .bind(4, attributes.dump()).run());
  BERTH_TRY(record_operation(m_db, operation));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("register instance"));
  return {};
}

Result<bool> Store::delete_sd_instance(const std::string& service_id, const std::string& instance_id,
                                       const model::SdOperation& operation) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt erase(m_db, "DELETE FROM sd_instances WHERE service_id = ?1 AND id = ?2");
  BERTH_TRY(erase.bind(1, service_id).bind(2, instance_id).run());
  if (m_db.changes() == 0) return false;
  BERTH_TRY(record_operation(m_db, operation));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("deregister instance"));
  return true;
}

Result<std::vector<model::SdInstance>> Store::sd_instances(const std::string& service_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT id, creator_request_id, attributes FROM sd_instances WHERE service_id = ?1 ORDER BY id");
  stmt.bind(1, service_id);
  return collect_parsed_rows<model::SdInstance>(stmt, [](const Stmt& row) -> Result<model::SdInstance> {
    model::SdInstance instance{row.text(0), row.text(1), {}};
    const auto attributes = model::Json::parse(row.text(2), nullptr, false);
    if (!attributes.is_object()) return fail(Code::server, "a stored Cloud Map instance is damaged");
    for (const auto& [key, value] : attributes.items()) {
      if (value.is_string()) instance.attributes[key] = value.get<std::string>();
    }
    return instance;
  });
}

Result<std::optional<model::SdOperation>> Store::find_sd_operation(const std::string& id) {
  MutexLock lock(m_mutex);
  return find_body(m_db, "SELECT body FROM sd_operations WHERE id = ?1", {id}, model::operation_from_record);
}

Result<std::vector<RegisteredService>> Store::services_registered_in(const std::string& registry_arn) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT s.cluster, s.name, r.value FROM services s, json_each(s.body, '$.attachments.serviceRegistries') r "
            "WHERE s.status != 'INACTIVE' AND json_extract(r.value, '$.registryArn') = ?1 ORDER BY s.cluster, s.name");
  stmt.bind(1, registry_arn);
  return collect_parsed_rows<RegisteredService>(stmt, [](const Stmt& row) -> Result<RegisteredService> {
    auto registry = model::Json::parse(row.text(2), nullptr, false);
    if (!registry.is_object()) return fail(Code::server, "a stored serviceRegistries entry is damaged");
    return RegisteredService{row.text(0), row.text(1), std::move(registry)};
  });
}

}  // namespace berth::store
