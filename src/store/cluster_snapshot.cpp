// The scheduler's reads and writes: a cluster's state in one transaction, a plan committed in one.
#include <map>

#include "model/cluster_snapshot_codec.hpp"
#include "model/deployment_history.hpp"
#include "store/rows.hpp"
#include "store/store.hpp"
#include "store/task_queries.hpp"

namespace berth::store {
namespace {

// Bounds each table's part of a snapshot (the scheduler's reads were bounded alike).
constexpr std::int64_t k_max_snapshot_rows = 100000;

using DefinitionKey = std::pair<std::string, long long>;

// The task definitions named by `keys`, in one query.
Result<std::map<DefinitionKey, model::TaskDefinition>> definitions_of(Db& db, const std::set<DefinitionKey>& keys) {
  std::map<DefinitionKey, model::TaskDefinition> out;
  if (keys.empty()) return out;
  model::Json list = model::Json::array();
  for (const auto& [family, revision] : keys) list.push_back({family, revision});
  Stmt stmt(db, std::string("SELECT ") + k_td_columns +
                    " FROM json_each(?1) AS k JOIN task_definitions ON family = json_extract(k.value, '$[0]') "
                    "AND revision = json_extract(k.value, '$[1]')");
  stmt.bind(1, list.dump());
  BERTH_ASSIGN(auto rows, collect_rows<model::TaskDefinition>(stmt, read_task_definition));
  for (auto& td : rows) {
    DefinitionKey key{td.family, td.revision};
    out.emplace(std::move(key), std::move(td));
  }
  return out;
}

// A task of "body, protected_until" as the snapshot keeps it until its definition is read: what
// the schedulers see of it and its overrides, not the whole record. (Ten thousand decoded
// records held at once were tens of MiB that stayed in malloc's arenas.)
struct TaskRow {
  model::TaskState state;
  model::Json overrides;
};
Result<TaskRow> read_task_row(const Stmt& stmt) {
  BERTH_ASSIGN(auto task, read_task(stmt));
  TaskRow row{model::task_state_of(task, nullptr), std::move(task.overrides)};
  row.state.protected_until = protected_until_of(stmt, 1);
  return row;
}

}  // namespace

Result<model::ClusterSnapshot> Store::read_cluster_snapshot(const std::string& cluster, SnapshotScope scope) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  // Counted under the transaction's write lock: no commit lands until the snapshot is read.
  const std::int64_t count = m_db.connection().database_change_count();
  BERTH_ASSIGN(auto snapshot, read_cluster_snapshot_locked(cluster, scope));  // a read: the transaction rolls back
  snapshot.change_count = count;
  return snapshot;
}

Result<model::ClusterSnapshot> Store::read_cluster_snapshot_locked(const std::string& cluster, SnapshotScope scope) {
  model::ClusterSnapshot snapshot;
  snapshot.cluster = cluster;
  Stmt instances(m_db, "SELECT id, cluster, status, body, registered_at FROM container_instances "
                       "WHERE cluster = ?1 ORDER BY id LIMIT ?2");
  instances.bind(1, cluster).bind(2, k_max_snapshot_rows);
  BERTH_ASSIGN(auto instance_rows, collect_rows<model::ContainerInstance>(instances, read_instance));

  std::vector<model::Service> services;
  model::Json primaries = model::Json::array();
  if (scope == SnapshotScope::services) {
    Stmt stmt(m_db, "SELECT body FROM services WHERE cluster = ?1 AND status IN ('ACTIVE', 'DRAINING') "
                    "ORDER BY name LIMIT ?2");
    stmt.bind(1, cluster).bind(2, k_max_snapshot_rows);
    BERTH_ASSIGN(services, collect_parsed_rows<model::Service>(stmt, read_service));
    for (const auto& s : services) {
      if (!s.deployments.empty()) primaries.push_back(s.deployments.front().id);
      for (const auto& t : s.task_sets) primaries.push_back(t.id);
    }
  }
  Stmt tasks(m_db, snapshot_tasks_sql(!primaries.empty()));
  tasks.bind(1, cluster).bind(2, k_max_snapshot_rows);
  if (!primaries.empty()) tasks.bind(3, primaries.dump());
  BERTH_ASSIGN(auto task_rows, collect_parsed_rows<TaskRow>(tasks, read_task_row));

  std::set<DefinitionKey> wanted;
  for (const auto& row : task_rows) {
    if (row.state.last_status != model::TaskStatus::stopped) wanted.insert({row.state.family, row.state.revision});
  }
  for (const auto& s : services) {
    for (const auto& d : s.deployments) wanted.insert({d.family, d.revision});
    for (const auto& t : s.task_sets) wanted.insert({t.family, t.revision});
  }
  BERTH_ASSIGN(auto definitions, definitions_of(m_db, wanted));

  for (const auto& i : instance_rows) snapshot.instances.push_back(model::instance_state_of(i));
  snapshot.tasks.reserve(task_rows.size());
  for (auto& row : task_rows) {
    model::TaskState& state = row.state;
    const auto td = definitions.find({state.family, state.revision});
    if (td != definitions.end()) model::add_reservation(state, td->second, row.overrides);
    if (state.last_status != model::TaskStatus::stopped) {
      if (auto* instance = snapshot.instance(state.instance_id)) {
        instance->use.add(state);
      }
    }
    snapshot.tasks.push_back(std::move(state));
  }
  for (const auto& s : services) snapshot.services.push_back(model::service_state_of(s));
  for (const auto& [key, td] : definitions) snapshot.definitions.emplace(key, model::definition_state_of(td));
  return snapshot;
}

Result<bool> Store::commit_plan(const PlanCommit& plan, Durability durability) {
  MutexLock lock(m_mutex);
  const SyncScope sync(m_db, durability);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(plan.leader_term));
  std::optional<model::Service> service;
  if (plan.service) {
    Stmt stmt(m_db, "SELECT body FROM services WHERE cluster = ?1 AND name = ?2");
    stmt.bind(1, plan.cluster).bind(2, plan.service->name);
    BERTH_ASSIGN(bool found, stmt.step());
    if (!found) return false;
    BERTH_ASSIGN(service, read_service(stmt));
    if (service->version != plan.service->expected_version) return false;  // UpdateService meanwhile
  }
  if (!plan.starts.empty()) {
    BERTH_TRY(require_active_cluster_locked(plan.cluster));
    const bool unchanged = plan.placed_on && plan.placed_on->change_count &&
                           *plan.placed_on->change_count == m_db.connection().database_change_count();
    model::ClusterSnapshot current;
    if (unchanged) {
      current.instances = plan.placed_on->instances;  // all the checks below read
    } else {
      BERTH_ASSIGN(current, read_cluster_snapshot_locked(plan.cluster, SnapshotScope::placement));
    }
    for (const auto& start : plan.starts) {
      auto* instance = current.instance(start.task.container_instance_id);
      // Drained, deregistered, lost or filled since the plan read it.
      if (!instance || instance->status != model::InstanceStatus::active || !instance->agent_connected ||
          !instance->fits(start.holds)) {
        return false;
      }
      instance->use.add(start.holds);
      if (!start.task.capacity_provider.empty()) {  // RunTask's, checked again
        BERTH_TRY(require_associated_locked(plan.cluster, model::Json::array({{{"capacityProvider", start.task.capacity_provider}}})));
      }
      BERTH_TRY(upsert_task(m_db, start.task));
      BERTH_TRY(put_tags_locked("task/" + start.task.cluster + "/" + start.task.id, start.tags));
    }
  }
  for (const auto& stop : plan.stops) {
    Stmt stmt(m_db, "SELECT body, protected_until FROM tasks WHERE cluster = ?1 AND id = ?2");
    stmt.bind(1, plan.cluster).bind(2, stop.task_id);
    BERTH_ASSIGN(bool found, stmt.step());
    if (!found) continue;
    BERTH_ASSIGN(auto task, read_task(stmt));
    const auto protected_until = protected_until_of(stmt, 1);
    if (task.desired_status == model::TaskStatus::stopped) continue;
    // Protected since the plan read it (UpdateTaskProtection meanwhile).
    if (stop.unless_protected && model::protection_holds(protected_until, plan.now)) return false;
    task.desired_status = model::TaskStatus::stopped;
    task.stop_code = stop.stop_code;
    task.stopped_reason = stop.reason;
    task.stopping_at = plan.now;
    ++task.version;
    BERTH_TRY(upsert_task(m_db, task));
  }
  if (service) {
    const model::Json before = model::service_to_record(*service);
    const auto& state = plan.service->state;
    service->status = state.status;
    service->desired_count = state.desired_count;
    service->deployments = state.deployments;
    // A deleted service (now INACTIVE) loses its task sets, as in ECS; either way, a set's tags go with it.
    const bool deleted = state.status == model::ServiceStatus::inactive;
    for (const auto& set : service->task_sets) {
      const bool dropped = deleted || std::none_of(state.task_sets.begin(), state.task_sets.end(),
                                                   [&](const model::TaskSet& kept) { return kept.id == set.id; });
      if (dropped) BERTH_TRY(remove_all_tags_locked("task-set/" + plan.cluster + "/" + service->name + "/" + set.id));
    }
    // As read but the drained ones: the version check above holds.
    service->task_sets = deleted ? std::vector<model::TaskSet>{} : state.task_sets;
    service->next_launch_at = state.next_launch_at;
    model::follow_deployments(*service, plan.now);
    for (const auto& e : plan.service->new_events) model::add_event(*service, e.message, e.created_at, e.id);
    if (model::service_to_record(*service) != before) {  // nothing written when nothing changes
      ++service->version;
      BERTH_TRY(upsert_service(m_db, *service));
    }
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("apply plan"));
  return true;
}

}  // namespace berth::store
