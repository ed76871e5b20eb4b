#include "common/numbers.hpp"
#include "store/rows.hpp"
#include "store/store.hpp"
#include "store/task_queries.hpp"

namespace berth::store {
namespace {

Result<model::Daemon> read_daemon(const Stmt& stmt) {
  return model::daemon_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}

Result<void> upsert_daemon(Db& db, const model::Daemon& d) {
  Stmt stmt(db,
            "INSERT INTO daemons(cluster, name, status, body, created_at) VALUES(?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT(cluster, name) DO UPDATE SET status = excluded.status, body = excluded.body, "
            "created_at = excluded.created_at");
  return stmt.bind(1, d.cluster).bind(2, d.name).bind(3, std::string(model::to_wire(d.status)))
      .bind(4, model::daemon_to_record(d).dump()).bind(5, d.created_at).run();
}

// The daemon's row joined with its backing service's. A deleted daemon is gone once its service
// is INACTIVE (the scheduler asked its tasks to stop) and those tasks have stopped.
// (In the EXISTS, the bare column names are the tasks'.)
const std::string k_daemon_join =
    "SELECT d.body, s.body FROM daemons d JOIN services s ON s.cluster = d.cluster AND s.name = 'daemon:' || d.name "
    "WHERE (s.status <> 'INACTIVE' OR EXISTS (" +
    select_not_stopped_tasks("1", "cluster = d.cluster AND group_name = 'service:daemon:' || d.name") +
    ")) AND d.cluster = ?1";

// The capacity providers a daemon names, as a strategy the association check reads.
model::Json strategy_naming(const model::Daemon& daemon) {
  model::Json out = model::Json::array();
  for (const auto& name : daemon.capacity_providers) out.push_back({{"capacityProvider", name}});
  return out;
}

}  // namespace

Result<bool> Store::daemon_exists_locked(const std::string& cluster, const std::string& name) {
  Stmt stmt(m_db, k_daemon_join + " AND d.name = ?2");
  stmt.bind(1, cluster).bind(2, name);
  return stmt.step();
}

Result<std::vector<model::TaskDefinition>> Store::list_daemon_task_definitions(const DaemonTaskDefinitionQuery& query) {
  MutexLock lock(m_mutex);
  const bool descending = query.order == SortOrder::descending;
  std::string sql = std::string("SELECT ") + k_td_columns +
                    // A range of the primary key: family names are letters, digits, '_' and '-',
                    // all below char(127), so the prefix's families end before that bound.
                    " FROM task_definitions WHERE family >= 'daemon:' || ?1 AND family < 'daemon:' || ?1 || char(127)"
                    " AND (?2 IS NULL OR family = 'daemon:' || ?2)"
                    " AND (?3 IS NULL OR status = ?3)";
  if (query.last_registered_only) {
    sql += " AND revision = (SELECT last_revision FROM task_definition_families f WHERE f.family = task_definitions.family)";
  }
  if (!query.after.empty()) {
    sql += descending ? " AND (family, revision) < ('daemon:' || ?4, ?5)" : " AND (family, revision) > ('daemon:' || ?4, ?5)";
  }
  sql += descending ? " ORDER BY family DESC, revision DESC" : " ORDER BY family, revision";
  sql += " LIMIT ?6";
  Stmt stmt(m_db, sql);
  stmt.bind(1, query.family_prefix);
  if (query.family) stmt.bind(2, *query.family);
  if (query.status) stmt.bind(3, model::to_wire(*query.status));
  if (!query.after.empty()) {
    const auto colon = query.after.rfind(':');
    const std::string family = query.after.substr(0, colon);
    const auto revision = colon == std::string::npos ? std::nullopt
                                                     : parse_integer<std::int64_t>(query.after.substr(colon + 1));
    stmt.bind(4, family).bind(5, revision.value_or(0));
  }
  stmt.bind(6, static_cast<std::int64_t>(query.limit));
  return collect_parsed_rows<model::TaskDefinition>(stmt, read_task_definition);
}

Result<model::Daemon> Store::create_daemon(const model::Daemon& daemon, const model::Service& backing,
                                           const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_active_cluster_locked(daemon.cluster));
  BERTH_ASSIGN(bool found, daemon_exists_locked(daemon.cluster, daemon.name));
  if (found) {
    return fail(Code::invalid_parameter, "A daemon named '" + daemon.name + "' already exists in this cluster.");
  }
  BERTH_TRY(require_associated_locked(daemon.cluster, strategy_naming(daemon)));
  Stmt old_service(m_db, "SELECT body FROM services WHERE cluster = ?1 AND name = ?2");
  old_service.bind(1, backing.cluster).bind(2, backing.name);
  BERTH_ASSIGN(bool had_service, old_service.step());
  model::Service service = backing;
  if (had_service) {
    BERTH_ASSIGN(auto old, read_service(old_service));
    service.version = old.version + 1;  // a writer holding the stopped one's version loses
  }
  BERTH_TRY(upsert_service(m_db, service));
  BERTH_TRY(upsert_daemon(m_db, daemon));
  const std::string resource = "daemon/" + daemon.cluster + "/" + daemon.name;
  BERTH_TRY(remove_all_tags_locked(resource));
  BERTH_TRY(put_tags_locked(resource, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create daemon"));
  return daemon;
}

Result<std::optional<std::pair<model::Daemon, model::Service>>> Store::find_daemon(const std::string& cluster,
                                                                                     const std::string& name) {
  using Found = std::optional<std::pair<model::Daemon, model::Service>>;
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, k_daemon_join + " AND d.name = ?2");
  stmt.bind(1, cluster).bind(2, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return Found();
  BERTH_ASSIGN(auto daemon, read_daemon(stmt));
  BERTH_ASSIGN(auto service, model::service_from_record(model::Json::parse(stmt.text(1), nullptr, false)));
  return Found(std::pair{std::move(daemon), std::move(service)});
}

Result<std::vector<model::Daemon>> Store::list_daemons(const std::string& cluster,
                                                       const std::vector<std::string>& capacity_providers,
                                                       const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, k_daemon_join +
                      " AND d.name > ?2 AND (?4 = '[]' OR EXISTS (SELECT 1 FROM json_each(d.body, '$.capacityProviders') "
                      "named WHERE named.value IN (SELECT value FROM json_each(?4)))) ORDER BY d.name LIMIT ?3");
  stmt.bind(1, cluster).bind(2, after).bind(3, static_cast<std::int64_t>(limit))
      .bind(4, model::Json(capacity_providers).dump());
  return collect_parsed_rows<model::Daemon>(stmt, read_daemon);
}

Result<bool> Store::replace_daemon(const model::Daemon& daemon, long long daemon_version, const model::Service& backing,
                                   long long service_version) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt current(m_db, k_daemon_join + " AND d.name = ?2");
  current.bind(1, daemon.cluster).bind(2, daemon.name);
  BERTH_ASSIGN(bool exists, current.step());
  if (!exists) return fail(Code::daemon_not_found, "Daemon not found.");
  BERTH_ASSIGN(auto stored, read_daemon(current));
  BERTH_ASSIGN(auto stored_service, model::service_from_record(model::Json::parse(current.text(1), nullptr, false)));
  if (stored.version != daemon_version || stored_service.version != service_version) return false;
  if (daemon.capacity_providers != stored.capacity_providers) {
    BERTH_TRY(require_associated_locked(daemon.cluster, strategy_naming(daemon)));
  }
  BERTH_TRY(upsert_daemon(m_db, daemon));
  BERTH_TRY(upsert_service(m_db, backing));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update daemon"));
  return true;
}

}  // namespace berth::store
