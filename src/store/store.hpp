// Store: berth's durable state in SQLite: a file by default, or the replicated store (a dqlite
// cluster, store/dqlite/store_connection.hpp) through open_on. Every write is one named operation
// in one transaction, durable (WAL, synchronous=FULL; on the replicated store, on a majority of
// the servers) when the call returns. Thread-safe: calls are serialised on one connection.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "model/access_key.hpp"
#include "model/join_tokens.hpp"
#include "model/account_settings.hpp"
#include "model/capacity_provider.hpp"
#include "model/cluster_snapshot.hpp"
#include "model/cluster.hpp"
#include "model/container_instance.hpp"
#include "model/daemon.hpp"
#include "model/metric_alarm.hpp"
#include "model/scaling.hpp"
#include "model/schedule.hpp"
#include "model/schedule_group.hpp"
#include "model/secret.hpp"
#include "model/service.hpp"
#include "model/service_discovery.hpp"
#include "model/tags.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "model/task_protection.hpp"
#include "store/db.hpp"
#include "store/instance_task_versions.hpp"

namespace berth::store {

enum class SortOrder { ascending, descending };

struct TaskDefinitionQuery {
  std::optional<std::string> family;  // exact family
  model::TaskDefinitionStatus status = model::TaskDefinitionStatus::active;
  SortOrder order = SortOrder::ascending;
  std::string after;                  // page key: "family:revision" ("" = start)
  std::size_t limit = 100;
};

struct FamilyQuery {
  std::string prefix;
  model::FamilyStatus status = model::FamilyStatus::active;
  std::string after;
  std::size_t limit = 100;
};

struct DaemonTaskDefinitionQuery {
  std::string family_prefix;          // of the user's family
  std::optional<std::string> family;  // exact user family
  std::optional<model::TaskDefinitionStatus> status;  // nothing: any
  bool last_registered_only = false;  // the latest revision of each family
  SortOrder order = SortOrder::ascending;
  std::string after;                  // page key: "family:revision" of the user's family
  std::size_t limit = 100;
};

// What UpdateCluster and UpdateClusterSettings change (nothing = leave it as it is); the last two
// are members of the cluster's `capacity` (a null one is removed).
struct ClusterUpdate {
  std::optional<model::Json> settings;  // normalized
  std::optional<model::Json> configuration;
  std::optional<model::Json> service_connect_defaults;
};

// Tags a write adds to one resource in its own transaction ("" = none).
struct ResourceTags {
  std::string resource;  // a tag key: "task-set/c/s/id"
  std::vector<model::Tag> tags;
};

// A service by its cluster and name, ordered as ListServicesByNamespace pages them.
struct ServiceName {
  std::string cluster;
  std::string name;
  auto operator<=>(const ServiceName&) const = default;
};

// An ECS service whose serviceRegistries name a Cloud Map service, with that entry.
struct RegisteredService {
  std::string cluster;
  std::string name;
  model::Json registry;  // {"registryArn", "port"?, "containerName"?, "containerPort"?}
};

struct TaskQuery {
  std::optional<std::string> cluster;
  std::optional<std::string> container_instance;
  std::optional<std::string> family;
  std::optional<std::string> started_by;
  std::optional<model::TaskStatus> desired_status;
  std::optional<std::string> group;
  bool not_stopped = false;           // last_status != STOPPED
  // Only tasks whose last status is not their desired one: those being started (PROVISIONING,
  // PENDING, ACTIVATING toward RUNNING) or stopped (anything but STOPPED toward STOPPED).
  bool unsettled = false;
  std::string after;                  // page key: task id
  std::size_t limit = 100;
};

// What a snapshot holds: instances and the tasks they hold (placement), or also the services,
// their stopped PRIMARY tasks and the definitions they run (the service scheduler).
enum class SnapshotScope { placement, services };


// What count_live_tasks counts for one started_by.
struct LiveTaskCounts {
  int running = 0;
  int pending = 0;
};

// An instance's poll cursor's input (Store::instance_task_desires) and the instance's task
// version it was read at.
struct InstanceTaskDesires {
  std::vector<model::TaskDesire> desires;
  std::uint64_t version = 0;
};

// A new task and what it will hold on its instance (the commit re-checks that it still fits).
struct PlannedTask {
  model::Task task;
  model::TaskState holds;
  std::vector<model::Tag> tags;
};

// Everything one plan writes, committed in one transaction.
struct PlanCommit {
  std::string cluster;
  std::vector<PlannedTask> starts;
  std::vector<model::TaskStopWrite> stops;
  std::optional<model::ServiceWrite> service;
  EpochMs now = 0;
  // The scheduler leadership term the plan is made under: when set, the plan commits only while
  // it is still the stored term (else ServerException, nothing written). Nothing: an API call's
  // plan (RunTask, StopTask), which any server makes.
  std::optional<std::int64_t> leader_term;
  // The snapshot the starts were placed on (the caller's, alive through commit_plan). When the
  // store has not changed since it was read (its change_count), the starts are checked against it
  // rather than against the cluster read again (0.3 ms of a RunTask's 1.3).
  const model::ClusterSnapshot* placed_on = nullptr;
};

// One step of the scaling runner (svc/scaling_runner.cpp), written by Store::write_scaling_step
// in one transaction, so that no reader and no crash sees a desired count moved without the
// activity that explains it and the cooldown it starts. Each part is optional; the service and
// the target are written only if their stored versions are still the ones given.
struct ScalingStepWrite {
  std::optional<model::Service> service;
  long long service_version = 0;
  std::optional<model::ScalableTarget> target;
  long long target_version = 0;
  std::optional<model::ScalingActivity> activity;
  std::size_t keep_activities = 0;  // of the activity's target, the newest kept (0: all)
  std::optional<std::int64_t> leader_term;
};

// The scheduler leadership of a replicated control plane (svc/scheduler_leadership.hpp): the
// holder's server id ("" = nobody), the term it leads under (it grows with each new holder; 0 =
// never held). (The table's `renewals` column, from when holders renewed the row every second, is
// no longer read or written: a term and a holder tell every change apart, as each takeover moves
// the term and a release empties the holder.)
struct Leadership {
  std::int64_t term = 0;
  std::string holder;
  bool operator==(const Leadership&) const = default;
};

// The writes the schedulers make take a `leader_term` (last, nothing by default): when given, the
// write commits only while it is the stored scheduler leadership term (ServerException, nothing
// written, otherwise), checked in its own transaction. API calls pass nothing.

// Whether an instance change sees a stored instance or one about to be registered.
enum class InstanceOrigin { stored, registering };
enum class IfMissing { skip, create };
using InstanceChange = std::function<Result<void>(model::ContainerInstance& instance, InstanceOrigin origin)>;

class Store {
 public:
  // Opens and migrates the database at `path` (":memory:" in tests).
  [[nodiscard]] static Result<std::unique_ptr<Store>> open(const std::string& path);
  // Migrates `db` (the replicated store's: store/dqlite/store_connection.hpp) and serves on it.
  [[nodiscard]] static Result<std::unique_ptr<Store>> open_on(Db db);

  // --- clusters (store/clusters.cpp) ---
  // Creates `wanted` with `tags`; an ACTIVE cluster of that name is returned unchanged (ECS
  // CreateCluster is idempotent) and an INACTIVE one is re-created. InvalidParameterException if a
  // capacity provider its capacityProviders name does not exist (checked in the transaction, so a
  // concurrent DeleteCapacityProvider cannot slip between).
  [[nodiscard]] Result<model::Cluster> create_cluster(const model::Cluster& wanted,
                                                      const std::vector<model::Tag>& tags);
  // Creates the cluster if it does not exist; writes nothing otherwise. Returns true if created.
  // Its containerInsights is the account's default: the setting of `account`'s root user, read
  // in the same transaction, else ECS's default.
  [[nodiscard]] Result<bool> ensure_cluster(const std::string& name, EpochMs now, std::string_view account);
  [[nodiscard]] Result<std::optional<model::Cluster>> find_cluster(const std::string& name);
  // ACTIVE clusters by name after `after`, at most `limit`.
  [[nodiscard]] Result<std::vector<model::Cluster>> list_clusters(const std::string& after,
                                                                  std::size_t limit);
  [[nodiscard]] Result<model::ClusterCounts> cluster_counts(const std::string& name);
  // Marks the cluster INACTIVE. ClusterNotFound / ClusterContains*Exception as ECS.
  [[nodiscard]] Result<model::Cluster> delete_cluster(const std::string& name);
  // Applies `update` to the ACTIVE cluster `name` (ClusterNotFoundException otherwise) and returns
  // it; writes nothing when it changes nothing.
  [[nodiscard]] Result<model::Cluster> update_cluster(const std::string& name, const ClusterUpdate& update);

  // --- ECS account settings (store/account_settings.cpp), each principal's own ---
  // The settings `principal_arn` set (type user), by name; only `name`'s when given.
  [[nodiscard]] Result<std::vector<model::AccountSetting>> account_settings_of(
      const std::string& principal_arn, const std::optional<std::string>& name = std::nullopt);
  // Sets `setting` for its principal; writes nothing when it already has that value.
  // ClientException when it is the first setting of a principal other than a root user and
  // k_max_setting_principals such principals already have settings.
  [[nodiscard]] Result<void> put_account_setting(const model::AccountSetting& setting);
  // Removes the setting `name` of `principal_arn`; returns what it was, nothing if it was unset.
  [[nodiscard]] Result<std::optional<model::AccountSetting>> delete_account_setting(const std::string& principal_arn,
                                                                                    const std::string& name);

  // --- task definitions (store/task_definitions.cpp) ---
  // Registers the next revision of `family`; tags go to the new revision.
  [[nodiscard]] Result<model::TaskDefinition> register_task_definition(
      const std::string& family, const model::Json& body, const std::vector<model::Tag>& tags,
      EpochMs now);
  // Returns the given revision, or the latest ACTIVE one when `revision` is empty.
  [[nodiscard]] Result<std::optional<model::TaskDefinition>> find_task_definition(
      const std::string& family, std::optional<long long> revision);
  [[nodiscard]] Result<std::vector<model::TaskDefinition>> list_task_definitions(
      const TaskDefinitionQuery& query);
  [[nodiscard]] Result<std::vector<std::string>> list_families(const FamilyQuery& query);
  // Moves the revision from status `from` to `to` (INACTIVE with deregisteredAt, or
  // DELETE_IN_PROGRESS) in one statement, so a concurrent move is never undone; a revision in
  // any other status is left as it is. Returns the row afterwards: callers judge by its status.
  [[nodiscard]] Result<model::TaskDefinition> set_task_definition_status(
      const std::string& family, long long revision, model::TaskDefinitionStatus from, model::TaskDefinitionStatus to,
      EpochMs now);

  // --- capacity providers (store/capacity_providers.cpp); tags under "capacity-provider/<name>" ---
  // Creates `provider` with `tags`. ClientException if the name exists or another provider has its
  // Auto Scaling group; LimitExceededException when `max_providers` exist already.
  [[nodiscard]] Result<void> create_capacity_provider(const model::CapacityProvider& provider,
                                                      const std::vector<model::Tag>& tags, std::size_t max_providers);
  [[nodiscard]] Result<std::optional<model::CapacityProvider>> find_capacity_provider(const std::string& name);
  // Providers by name after `after`, at most `limit`.
  [[nodiscard]] Result<std::vector<model::CapacityProvider>> list_capacity_providers(const std::string& after,
                                                                                    std::size_t limit);
  // Applies `change` to the stored provider `name` and writes the result (ClientException when
  // there is none; `change`'s error as it is).
  [[nodiscard]] Result<model::CapacityProvider> update_capacity_provider(
      const std::string& name, const std::function<Result<void>(model::CapacityProvider&)>& change);
  // Deletes `name` and its tags (returned INACTIVE, DELETE_COMPLETE), unless an ACTIVE cluster has
  // it: then it stays, recorded and returned DELETE_FAILED with the reason, as ECS does.
  // ClientException when there is none.
  [[nodiscard]] Result<model::CapacityProvider> delete_capacity_provider(const std::string& name);
  // Sets the ACTIVE cluster's capacityProviders and defaultCapacityProviderStrategy (`strategy`,
  // wire form). ClusterNotFoundException; InvalidParameterException for a provider that does not
  // exist; ResourceInUseException for removing one that a service of the cluster, a task not
  // stopped or a daemon that still exists uses.
  [[nodiscard]] Result<void> set_cluster_capacity_providers(const std::string& cluster,
                                                           const std::vector<std::string>& providers,
                                                           const model::Json& strategy);
  // --- daemons (store/daemons.cpp); daemon task definitions are task definition rows ---
  [[nodiscard]] Result<std::vector<model::TaskDefinition>> list_daemon_task_definitions(
      const DaemonTaskDefinitionQuery& query);
  // Creates `daemon` and the DAEMON service `backing` that runs it, in one transaction, with
  // `tags` on the daemon. ClusterNotFoundException unless the cluster is ACTIVE;
  // InvalidParameterException while a daemon of that name exists (ACTIVE, or still stopping) or
  // when a capacity provider it names is not associated with the cluster.
  [[nodiscard]] Result<model::Daemon> create_daemon(const model::Daemon& daemon, const model::Service& backing,
                                                    const std::vector<model::Tag>& tags);
  // The daemon and its backing service (nothing when the daemon is gone: never created, or
  // deleted and its tasks stopped).
  [[nodiscard]] Result<std::optional<std::pair<model::Daemon, model::Service>>> find_daemon(
      const std::string& cluster, const std::string& name);
  // Daemons of `cluster` with names after `after`, in name order, that still exist and name one of
  // `capacity_providers` (any daemon when it is empty), at most `limit`.
  [[nodiscard]] Result<std::vector<model::Daemon>> list_daemons(const std::string& cluster,
                                                                const std::vector<std::string>& capacity_providers,
                                                                const std::string& after, std::size_t limit);
  // Writes both if the stored ones still have their expected versions; false on a conflict.
  // InvalidParameterException when the daemon's capacity providers changed to one not associated
  // with the cluster.
  [[nodiscard]] Result<bool> replace_daemon(const model::Daemon& daemon, long long daemon_version,
                                            const model::Service& backing, long long service_version);

  // --- tags (store/tags.cpp), keyed by the resource part of an ARN ("cluster/x"; a daemon task
  // definition's by its row, "task-definition/daemon:f:1") ---
  [[nodiscard]] Result<std::vector<model::Tag>> tags_of(const std::string& resource);
  // Adds or overwrites; LimitExceeded... as InvalidParameter if the resource would pass 50 (counted
  // inside the transaction, so concurrent TagResource calls cannot pass it together).
  // ResourceNotFoundException if the resource is gone (checked in the same transaction, so no
  // tag outlives a resource deleted concurrently).
  [[nodiscard]] Result<void> add_tags(const std::string& resource,
                                      const std::vector<model::Tag>& tags);
  [[nodiscard]] Result<void> remove_tags(const std::string& resource,
                                         const std::vector<std::string>& keys);

  // --- container instances (store/container_instances.cpp) ---
  // Changes one instance atomically: reads it, lets `change` edit it and writes it back (with
  // `tags` added) only if something changed, all in one transaction under the store's lock. No
  // other write can land between the read and the write, so no caller can lose another's update
  // (PutAttributes, UpdateContainerInstancesState, an agent re-registering, ...). `change` sees
  // the stored instance, or with IfMissing::create a new one (id and cluster set); it must not
  // call the store, and an error from it aborts the change (nothing written). A new instance
  // needs an ACTIVE cluster (ClusterNotFoundException), so DeleteCluster never races a register.
  // Returns the instance as stored afterwards, or nothing when it is missing (IfMissing::skip).
  [[nodiscard]] Result<std::optional<model::ContainerInstance>> update_container_instance(
      const std::string& cluster, const std::string& id, const InstanceChange& change,
      IfMissing if_missing = IfMissing::skip, const std::vector<model::Tag>& tags = {});
  // Applies `change` to each of the instances `ids` names, all in one transaction: either every
  // one is changed or (one missing: false; `change` failing: its error) none is.
  [[nodiscard]] Result<bool> update_container_instances(const std::string& cluster,
                                                        const std::vector<std::string>& ids,
                                                        const InstanceChange& change);
  [[nodiscard]] Result<std::optional<model::ContainerInstance>> find_container_instance(
      const std::string& cluster, const std::string& id);
  [[nodiscard]] Result<std::vector<model::ContainerInstance>> list_container_instances(
      const std::string& cluster, const std::optional<model::InstanceStatus>& status,
      const std::string& after, std::size_t limit);
  // Removes the instance and its tags; false if there was none.
  [[nodiscard]] Result<bool> remove_container_instance(const std::string& cluster, const std::string& id);

  // --- tasks (store/tasks.cpp) ---
  // Inserts new tasks (with `tags` on each) in one transaction, re-checking the placement
  // against current rows: the cluster ACTIVE (else ClusterNotFoundException) and each task's
  // container instance still registered and ACTIVE. Returns false, writing nothing, when an
  // instance changed since the placement read it (the caller places again).
  [[nodiscard]] Result<bool> insert_tasks(const std::vector<model::Task>& tasks,
                                          const std::vector<model::Tag>& tags);
  // Writes `task` if the stored row still has `expected_version` (optimistic concurrency
  // between the API, which moves desired state, and the agent, which records observed state).
  // Returns false, writing nothing, when someone else changed the task in between.
  [[nodiscard]] Result<bool> replace_task(const model::Task& task, long long expected_version,
                                          Durability durability = Durability::full,
                                          std::optional<std::int64_t> leader_term = std::nullopt);
  [[nodiscard]] Result<std::optional<model::Task>> find_task(const std::string& cluster,
                                                             const std::string& id);
  [[nodiscard]] Result<std::vector<model::Task>> list_tasks(const TaskQuery& query);
  // The ids and desired statuses of the tasks on `instance_id` not STOPPED (at most `limit`, by
  // id): the tasks a poll lists, without reading their bodies; with the instance's task version
  // (instance_tasks_version) read in the same lock, so that the two agree.
  [[nodiscard]] Result<InstanceTaskDesires> instance_task_desires(const std::string& cluster,
                                                                  const std::string& instance_id, std::size_t limit);
  // Per started_by, how many tasks of `cluster` in `group` with desired status RUNNING are RUNNING
  // and how many are neither RUNNING nor STOPPED (a service's deployment and task set counts),
  // counted in SQL without reading the tasks' bodies.
  [[nodiscard]] Result<std::map<std::string, LiveTaskCounts>> count_live_tasks(const std::string& cluster,
                                                                               const std::string& group);
  // A version of the task rows on `instance_id` (store/instance_task_versions.hpp): the same
  // value later means none of them was written since (it may also move for another instance's
  // writes). Lock-free: it never waits for a write under way.
  std::uint64_t instance_tasks_version(const std::string& cluster, const std::string& instance_id) const {
    return m_task_versions.of(cluster, instance_id);
  }

  // --- a joined gateway's copy of its desired state (store/mirrored_state.cpp) ---
  // Keeps revision `td` as the serving gateway registered it (same family and revision); an
  // existing revision is left as it is (a registered revision never changes).
  [[nodiscard]] Result<void> mirror_task_definition(const model::TaskDefinition& td);
  // Inserts `task` as the serving gateway placed it, with no placement check (the server placed
  // it); false, writing nothing, when a task of that id is there already. Its cluster must exist.
  [[nodiscard]] Result<bool> insert_mirrored_task(const model::Task& task);
  // Deletes the task `id` (a stopped task the server has been told of); false if there was none.
  [[nodiscard]] Result<bool> delete_task(const std::string& id);

  // --- task scale-in protection (store/task_protection.cpp) ---
  // The protection of the tasks `ids` of `cluster` that exist (in no particular order).
  [[nodiscard]] Result<std::vector<model::TaskProtection>> task_protections(const std::string& cluster,
                                                                            const std::vector<std::string>& ids);
  // The tasks of `cluster`, not stopped, whose protection holds at `now`, by id, at most `limit`.
  [[nodiscard]] Result<std::vector<model::TaskProtection>> protected_tasks(const std::string& cluster, EpochMs now,
                                                                           std::size_t limit);
  // Sets the protection of the tasks `ids` of `cluster` to last until `until` (nothing: removes
  // it), in one transaction, on each task model::protection_refusal allows; a row is written only
  // if its protection changes. Returns the tasks that exist as they are afterwards.
  [[nodiscard]] Result<std::vector<model::TaskProtection>> set_task_protection(const std::string& cluster,
                                                                               const std::vector<std::string>& ids,
                                                                               std::optional<EpochMs> until);

  // --- scheduling (store/cluster_snapshot.cpp) ---
  // Reads `cluster`'s scheduling state in one transaction, one query per table. Instances and
  // tasks are in id order, services in name order.
  [[nodiscard]] Result<model::ClusterSnapshot> read_cluster_snapshot(const std::string& cluster, SnapshotScope scope);
  // Commits `plan` in one transaction, re-checking it against the current rows: the cluster
  // ACTIVE (else ClusterNotFoundException), each new task's instance still ACTIVE with room for
  // it (CPU, memory, host ports, counting the plan's earlier tasks), the service still at the
  // version the plan was made from, no scale-in (TaskStopWrite::unless_protected) of a task
  // protected at the plan's time. Returns false, writing nothing, on a conflict (the caller
  // plans again on fresh rows). A stop of a task already stopping changes nothing; a service
  // whose record would not change is not written.
  // `durability` deferred: the caller calls sync() before it acknowledges the plan.
  [[nodiscard]] Result<bool> commit_plan(const PlanCommit& plan, Durability durability = Durability::full);
  // Makes every commit so far durable, as a `full` one is (see Durability), without the store's
  // lock: other calls go on while the disk syncs. After a deferred commit, once those that act on
  // it were told (the agent starts a task while its placement reaches the disk).
  [[nodiscard]] Result<void> sync() { return sync_wal(m_wal_path); }

  // --- scheduler leadership (store/scheduler_leadership.cpp): one row, never absent ---
  [[nodiscard]] Result<Leadership> leadership();
  // Makes `holder` the leader under the next term if the row is still `seen`,
  // in one transaction; nothing, writing nothing, when it changed meanwhile (released or taken
  // by another candidate). Returns the row written.
  [[nodiscard]] Result<std::optional<Leadership>> acquire_leadership(const std::string& holder, const Leadership& seen);
  // Gives up `holder`'s term `term` (holder ""); false, writing nothing,
  // when it moved. The term stays the current one until a candidate acquires the next.
  [[nodiscard]] Result<bool> release_leadership(const std::string& holder, std::int64_t term);

  // --- services (store/services.cpp) ---
  // Creates the service; InvalidParameterException if one of that name is ACTIVE or DRAINING,
  // ClusterNotFoundException unless the cluster is ACTIVE. A service replacing an INACTIVE one
  // of that name continues its version, so no stale version check can match the new one.
  [[nodiscard]] Result<model::Service> create_service(const model::Service& service,
                                                      const std::vector<model::Tag>& tags);
  [[nodiscard]] Result<std::optional<model::Service>> find_service(const std::string& cluster,
                                                                   const std::string& name);
  // Services in `cluster` (all clusters when empty) whose status is one of `statuses`.
  [[nodiscard]] Result<std::vector<model::Service>> list_services(const std::optional<std::string>& cluster,
                                                                  const std::vector<model::ServiceStatus>& statuses,
                                                                  const std::string& after, std::size_t limit);
  // Writes `service` if the stored one still has `expected_version`; false on a conflict. With
  // `new_tags`, adds them to their resource in the same transaction (CreateTaskSet's tags).
  [[nodiscard]] Result<bool> replace_service(const model::Service& service, long long expected_version,
                                             const ResourceTags& new_tags = {},
                                             std::optional<std::int64_t> leader_term = std::nullopt);

  // --- Service Connect namespaces (store/service_namespaces.cpp) ---
  // ACTIVE services of ACTIVE clusters whose Service Connect namespace (their own, else their
  // cluster's default) is one of `names`, by (cluster, name) after `after`, at most `limit`.
  [[nodiscard]] Result<std::vector<ServiceName>> services_in_namespace(const std::vector<std::string>& names,
                                                                       const ServiceName& after, std::size_t limit);
  // Whether an ACTIVE cluster's default namespace, or an ACTIVE service's own, is one of `names`.
  [[nodiscard]] Result<bool> namespace_known(const std::vector<std::string>& names);

  // --- schedules (store/schedules.cpp) ---
  // Creates the schedule; ConflictException if the group already has one of that name,
  // ResourceNotFoundException if its group does not exist (checked in the same transaction, so a
  // DeleteScheduleGroup cannot leave it behind).
  [[nodiscard]] Result<void> create_schedule(const model::Schedule& schedule);
  [[nodiscard]] Result<std::optional<model::Schedule>> find_schedule(const std::string& group, const std::string& name);
  // Schedules of `group` (all groups when empty) whose name starts with `name_prefix`, in
  // (group, name) order after the key `after` ("group/name").
  [[nodiscard]] Result<std::vector<model::Schedule>> list_schedules(const std::optional<std::string>& group,
                                                                    const std::string& name_prefix,
                                                                    const std::optional<std::string>& state,
                                                                    const std::string& after, std::size_t limit);
  // Schedules due (a run or a retry, Schedule::wake_at) at or before `now_seconds`.
  [[nodiscard]] Result<std::vector<model::Schedule>> due_schedules(std::int64_t now_seconds);
  // The earliest wake time of any schedule, if one has any.
  [[nodiscard]] Result<std::optional<std::int64_t>> earliest_schedule_fire();
  // Writes `schedule` if the stored one still has `expected_version`; false on a conflict.
  // ResourceNotFoundException if it or its group is gone.
  [[nodiscard]] Result<bool> replace_schedule(const model::Schedule& schedule, long long expected_version,
                                              std::optional<std::int64_t> leader_term = std::nullopt);
  // Deletes the schedule and its tags (only if it still has `expected_version`, when given); false
  // if there was none or it changed meanwhile.
  [[nodiscard]] Result<bool> delete_schedule(const std::string& group, const std::string& name,
                                             std::optional<long long> expected_version = std::nullopt,
                                             std::optional<std::int64_t> leader_term = std::nullopt);

  // --- schedule groups (store/schedule_groups.cpp); `default` is a row from the migration on ---
  // Creates the group with `tags`; ConflictException if it exists, LimitExceededException (the
  // Scheduler API's ServiceQuotaExceededException) when there are k_max_schedule_groups already.
  [[nodiscard]] Result<void> create_schedule_group(const model::ScheduleGroup& group, const std::vector<model::Tag>& tags);
  [[nodiscard]] Result<std::optional<model::ScheduleGroup>> find_schedule_group(const std::string& name);
  // Groups whose name starts with `name_prefix`, by name after `after`, at most `limit`.
  [[nodiscard]] Result<std::vector<model::ScheduleGroup>> list_schedule_groups(const std::string& name_prefix,
                                                                               const std::string& after,
                                                                               std::size_t limit);
  // Deletes the group, its schedules and their tags in one transaction; false if there was none.
  [[nodiscard]] Result<bool> delete_schedule_group(const std::string& name);

  // --- access keys (store/access_keys.cpp) ---
  // Stores `key` unless berth already holds `max_keys` keys (LimitExceededException).
  [[nodiscard]] Result<void> create_access_key(const model::AccessKey& key, std::size_t max_keys);
  // Stores `key` only if berth holds no key at all, in one transaction (the first start's admin
  // key: servers of a replicated control plane starting at once make one between them). Returns
  // whether it was stored.
  [[nodiscard]] Result<bool> create_first_access_key(const model::AccessKey& key);
  [[nodiscard]] Result<std::optional<model::AccessKey>> find_access_key(const std::string& access_key_id);
  // Keys of `user_name` (all when nullopt), by user and then age.
  [[nodiscard]] Result<std::vector<model::AccessKey>> list_access_keys(const std::optional<std::string>& user_name);
  // Returns false if there was no such key.
  [[nodiscard]] Result<bool> delete_access_key(const std::string& access_key_id);
  // Deletes every key of `user_name`; returns their ids.
  [[nodiscard]] Result<std::vector<std::string>> delete_access_keys_of(const std::string& user_name);

  // --- join tokens (store/join_tokens.cpp) ---
  // Stores `token` (its cluster ACTIVE) after dropping expired tokens; LimitExceededException
  // when `max_live` unexpired tokens exist already.
  [[nodiscard]] Result<void> create_join_token(const model::JoinToken& token, std::size_t max_live, EpochMs now);
  enum class JoinTokenState { valid, unknown, used, expired };
  struct JoinOutcome {
    JoinTokenState state = JoinTokenState::unknown;
    model::JoinToken token;                           // as stored (unknown: empty)
    std::optional<model::ContainerInstance> instance;  // the registered instance (valid only)
  };
  // Makes the key of an instance joining `cluster` (runs under the store's lock: no store calls).
  using KeyMaker = std::function<Result<model::AccessKey>(const std::string& cluster)>;
  // Spends the token `hash` names at `now`, in one transaction: registers a new instance
  // `instance_id` in the token's cluster through `change` (with `tags`), stores the key
  // `make_key` makes for that cluster (at most `max_keys` keys of its kind, as create_access_key
  // counts them) and marks the token used. A token that is unknown, used or expired writes
  // nothing and says which.
  [[nodiscard]] Result<JoinOutcome> join_with_token(const std::string& hash, EpochMs now, const std::string& instance_id,
                                                    const InstanceChange& change, const std::vector<model::Tag>& tags,
                                                    const KeyMaker& make_key, std::size_t max_keys);

  // --- CloudWatch metric alarms (store/metric_alarms.cpp); definitions only, never state ---
  // Creates or replaces the alarm of that name; LimitExceeded past `max_alarms` alarms.
  [[nodiscard]] Result<void> put_metric_alarm(const model::MetricAlarm& alarm, std::size_t max_alarms);
  // Every alarm, by name.
  [[nodiscard]] Result<std::vector<model::MetricAlarm>> list_metric_alarms();
  // Deletes the alarms named, all or none: returns the names that do not exist (nothing is
  // deleted then), empty when all were deleted.
  [[nodiscard]] Result<std::vector<std::string>> delete_metric_alarms(const std::vector<std::string>& names);

  // --- Cloud Map namespaces, services, custom instances, operations (store/service_discovery.cpp) ---
  // Creates `ns` and records `operation`: ResourceExists (Cloud Map's NamespaceAlreadyExists) if
  // its name is taken (names are case-insensitive, as DNS names), LimitExceeded past `max_namespaces`.
  [[nodiscard]] Result<void> create_sd_namespace(const model::SdNamespace& ns, const model::SdOperation& operation,
                                                 std::size_t max_namespaces);
  // The namespace whose id, or else whose name, is `id_or_name`.
  [[nodiscard]] Result<std::optional<model::SdNamespace>> find_sd_namespace(const std::string& id_or_name);
  // Every namespace (at most the namespace limit exist), by id, with how many services each holds.
  [[nodiscard]] Result<std::vector<std::pair<model::SdNamespace, std::size_t>>> list_sd_namespaces();
  // Deletes namespace `id` and records `operation`. False if there is none; ResourceInUse while
  // it holds services.
  [[nodiscard]] Result<bool> delete_sd_namespace(const std::string& id, const model::SdOperation& operation);
  // Creates `service`: NamespaceNotFound, ResourceExists (Cloud Map's ServiceAlreadyExists: same
  // name in the namespace),
  // LimitExceeded past `max_services`.
  [[nodiscard]] Result<void> create_sd_service(const model::SdService& service, std::size_t max_services);
  [[nodiscard]] Result<std::optional<model::SdService>> find_sd_service(const std::string& id);
  // The service `name` (case-insensitive) of namespace `namespace_id`.
  [[nodiscard]] Result<std::optional<model::SdService>> find_sd_service_named(const std::string& namespace_id,
                                                                              const std::string& name);
  // Services of `namespace_id` (nothing = of all namespaces), by id, with their custom instance counts.
  [[nodiscard]] Result<std::vector<std::pair<model::SdService, std::size_t>>> list_sd_services(
      const std::optional<std::string>& namespace_id);
  // Deletes service `id`. False if there is none; ResourceInUse while custom instances are registered.
  [[nodiscard]] Result<bool> delete_sd_service(const std::string& id);
  // Registers (or replaces) custom instance `instance` of service `service_id` and records
  // `operation`: ServiceNotFound, LimitExceeded past `max_instances` in the service.
  [[nodiscard]] Result<void> put_sd_instance(const std::string& service_id, const model::SdInstance& instance,
                                             const model::SdOperation& operation, std::size_t max_instances);
  // Deregisters it and records `operation`; false if it was not registered.
  [[nodiscard]] Result<bool> delete_sd_instance(const std::string& service_id, const std::string& instance_id,
                                                const model::SdOperation& operation);
  // The custom instances of service `service_id`, by id.
  [[nodiscard]] Result<std::vector<model::SdInstance>> sd_instances(const std::string& service_id);
  [[nodiscard]] Result<std::optional<model::SdOperation>> find_sd_operation(const std::string& id);
  // The ACTIVE ECS services whose serviceRegistries name `registry_arn`, by cluster and name.
  [[nodiscard]] Result<std::vector<RegisteredService>> services_registered_in(const std::string& registry_arn);
  // --- Elastic Load Balancing v2 objects (store/elb_objects.cpp): JSON documents by key ---
  // Every document of `kind` ("load-balancer", "target-group", "listener", "rule", "target"), by key.
  [[nodiscard]] Result<std::vector<model::Json>> list_elb_objects(std::string_view kind);
  // Writes `puts` (key, kind, document) and deletes `deletes` (keys) in one transaction.
  struct ElbPut {
    std::string key, kind;
    model::Json body;
  };
  [[nodiscard]] Result<void> write_elb_objects(const std::vector<ElbPut>& puts, const std::vector<std::string>& deletes);

  // Test and migration support: runs raw SQL in one transaction.
  [[nodiscard]] Result<void> exec_for_test(const std::string& sql);
  // A count that grows with every row this store's writes changed (rolled back ones included) and
  // with every commit another connection made, another server's on the replicated store
  // (Connection::database_change_count): a reader that saw the same count twice knows nothing
  // changed between (the dashboard's change notices, api/ui_streams.hpp; the service scheduler's
  // quiet shortcut). On the replicated store each call is a round trip to the leader.
  std::int64_t change_count();

  // --- Secrets Manager secrets (store/secrets.cpp); values only as sealed bytes ---
  // Creates `secret` with its first version, if any. ResourceExistsException if the name is
  // taken, InvalidRequestException if a secret of that name is scheduled for deletion,
  // LimitExceededException past `max_secrets`.
  [[nodiscard]] Result<void> create_secret(const model::Secret& secret, const std::optional<model::SecretVersion>& first,
                                           std::size_t max_secrets);
  // The secret named `name` or whose ARN is `arn` (either may be empty), scheduled or not.
  [[nodiscard]] Result<std::optional<model::Secret>> find_secret(const std::string& name, const std::string& arn);
  [[nodiscard]] Result<std::vector<model::SecretVersion>> secret_versions(const std::string& name);
  // Every secret, by name (at most the store's secret limit exist).
  [[nodiscard]] Result<std::vector<model::Secret>> list_secrets();
  // Makes `version` AWSCURRENT, the current one AWSPREVIOUS and drops the previous one, in one
  // transaction, if the secret of `arn` still exists and is not scheduled for deletion
  // (ResourceNotFoundException / InvalidRequestException). ResourceExistsException if the
  // version id is taken.
  [[nodiscard]] Result<void> put_secret_version(const std::string& arn, const model::SecretVersion& version);
  // Schedules the secret of `arn` for deletion at `when` (nothing = deletes it now). False if
  // there is no such secret.
  [[nodiscard]] Result<bool> delete_secret(const std::string& arn, std::optional<EpochMs> when);
  // Deletes the secrets whose recovery window ended by `now`; writes nothing if there are none.
  [[nodiscard]] Result<void> purge_deleted_secrets(EpochMs now);

  // --- SSM parameters (store/parameters.cpp); values only as sealed bytes ---
  // Writes `parameter` with its newest version `version` if the stored parameter's version is
  // still `expected_version` (0 = it must not exist); false, writing nothing, otherwise. Keeps the
  // newest k_max_parameter_versions versions. LimitExceededException past `max_parameters`.
  [[nodiscard]] Result<bool> put_parameter(const model::Parameter& parameter, const model::ParameterVersion& version,
                                           long long expected_version, std::size_t max_parameters);
  [[nodiscard]] Result<std::optional<model::Parameter>> find_parameter(const std::string& name);
  [[nodiscard]] Result<std::optional<model::ParameterVersion>> parameter_version(const std::string& name,
                                                                                 long long version);
  // Names starting with `prefix` after `after`, in order, at most `limit`.
  [[nodiscard]] Result<std::vector<std::string>> parameter_names(const std::string& prefix, const std::string& after,
                                                                 std::size_t limit);
  // Deletes the parameter and its versions; false if there was none.
  [[nodiscard]] Result<bool> delete_parameter(const std::string& name);

  // --- Application Auto Scaling (store/scaling.cpp), keyed by ResourceId "service/<c>/<s>" ---
  // Writes `target` if the stored one has `expected_version` (0: none may exist); false otherwise.
  [[nodiscard]] Result<bool> put_scalable_target(const model::ScalableTarget& target, long long expected_version,
                                                 std::optional<std::int64_t> leader_term = std::nullopt);
  [[nodiscard]] Result<std::optional<model::ScalableTarget>> find_scalable_target(const std::string& resource_id);
  // Targets by resource id after `after` (only those of `resource_ids` when it is not empty).
  [[nodiscard]] Result<std::vector<model::ScalableTarget>> list_scalable_targets(
      const std::vector<std::string>& resource_ids, const std::string& after, std::size_t limit);
  // Deletes the target with its policies, scheduled actions and activities; false if none.
  [[nodiscard]] Result<bool> delete_scalable_target(const std::string& resource_id);
  // Creates or replaces the policy if the stored one's id is still `expected_id` ("": none may
  // exist); false, writing nothing, otherwise. ObjectNotFoundException (Code::resource_not_found)
  // without its target, LimitExceededException for a new one past `max_per_target`: checked in the
  // write's transaction, so a concurrent Deregister or Put cannot slip past them.
  [[nodiscard]] Result<bool> put_scaling_policy(const model::ScalingPolicy& policy, const std::string& expected_id,
                                                std::size_t max_per_target);
  // Policies by (resource id, name) after `after` ("<resource id>\n<name>"): of `resource_id` when
  // given, named in `names` when not empty.
  [[nodiscard]] Result<std::vector<model::ScalingPolicy>> list_scaling_policies(
      const std::optional<std::string>& resource_id, const std::vector<std::string>& names, const std::string& after,
      std::size_t limit);
  [[nodiscard]] Result<bool> delete_scaling_policy(const std::string& resource_id, const std::string& name);
  // Writes the scheduled action if the stored one has `expected_version` (0: none may exist);
  // false, writing nothing, otherwise. Errors as put_scaling_policy's.
  [[nodiscard]] Result<bool> put_scheduled_action(const model::ScheduledScalingAction& action,
                                                  long long expected_version, std::size_t max_per_target,
                                                  std::optional<std::int64_t> leader_term = std::nullopt);
  [[nodiscard]] Result<std::vector<model::ScheduledScalingAction>> list_scheduled_actions(
      const std::optional<std::string>& resource_id, const std::vector<std::string>& names, const std::string& after,
      std::size_t limit);
  // Scheduled actions whose next_fire is at or before `now_seconds`, earliest first.
  [[nodiscard]] Result<std::vector<model::ScheduledScalingAction>> due_scheduled_actions(std::int64_t now_seconds);
  [[nodiscard]] Result<std::optional<std::int64_t>> earliest_scheduled_action();
  [[nodiscard]] Result<bool> delete_scheduled_action(const std::string& resource_id, const std::string& name);
  // Inserts the activity (or replaces the one with its id), then keeps only its target's newest
  // `keep_newest` (0: all). Returns the activity's sequence. Nothing is written when the target is gone.
  [[nodiscard]] Result<long long> put_scaling_activity(const model::ScalingActivity& activity,
                                                       std::size_t keep_newest);
  // Activities newest first, with a sequence below `before` (0: from the newest).
  [[nodiscard]] Result<std::vector<model::ScalingActivity>> list_scaling_activities(
      const std::optional<std::string>& resource_id, long long before, std::size_t limit);
  [[nodiscard]] Result<std::optional<model::ScalingActivity>> find_scaling_activity(const std::string& activity_id);
  // Writes `step`'s parts in one transaction; false, writing nothing, when the service's or the
  // target's stored version is not the one given, or the activity's target is gone.
  // ServiceNotFoundException when the service is gone.
  [[nodiscard]] Result<bool> write_scaling_step(const ScalingStepWrite& step);

 private:
  explicit Store(Db db) : m_wal_path(db.wal_path()), m_db(std::move(db)) {}

  // replace_service's work inside the caller's lock and transaction.
  Result<bool> replace_service_locked(const model::Service& service, long long expected_version,
                                      const ResourceTags& new_tags) BERTH_REQUIRES(m_mutex);
  // create_access_key's work inside the caller's lock and transaction.
  Result<void> create_access_key_locked(const model::AccessKey& key, std::size_t max_keys) BERTH_REQUIRES(m_mutex);
  // update_container_instance's work inside the caller's lock and transaction.
  Result<std::optional<model::ContainerInstance>> update_instance_locked(const std::string& cluster,
                                                                         const std::string& id,
                                                                         const InstanceChange& change,
                                                                         IfMissing if_missing,
                                                                         const std::vector<model::Tag>& tags)
      BERTH_REQUIRES(m_mutex);
  Result<model::ClusterSnapshot> read_cluster_snapshot_locked(const std::string& cluster, SnapshotScope scope)
      BERTH_REQUIRES(m_mutex);
  // Tag writes that are part of a larger operation (caller holds the lock and a Tx).
  Result<void> put_tags_locked(const std::string& resource, const std::vector<model::Tag>& tags)
      BERTH_REQUIRES(m_mutex);
  Result<std::vector<model::Tag>> tags_of_locked(const std::string& resource) BERTH_REQUIRES(m_mutex);
  Result<void> remove_all_tags_locked(const std::string& resource) BERTH_REQUIRES(m_mutex);
  // Whether the resource a tag key names exists and takes tags ("cluster/x" ACTIVE,
  // "task-definition/f:1" not being deleted (a daemon task definition's family is "daemon:f"),
  // "capacity-provider/x", "container-instance/c/id", "task/c/id", "service/c/x" not INACTIVE,
  // "task-set/c/s/id", "daemon/c/x" not gone, "schedule-group/g", "schedule/g/x").
  Result<bool> taggable_locked(const std::string& resource) BERTH_REQUIRES(m_mutex);
  // Whether daemon `name` of `cluster` still exists (not deleted with its tasks stopped).
  Result<bool> daemon_exists_locked(const std::string& cluster, const std::string& name) BERTH_REQUIRES(m_mutex);
  // Capacity-provider checks repeated inside a writing transaction, so a concurrent
  // PutClusterCapacityProviders or DeleteCapacityProvider cannot come between a use case's own
  // check and its write: InvalidParameterException, as ECS words it, for a provider of `strategy`
  // (a capacityProviderStrategy's wire form) not associated with the ACTIVE cluster `cluster`, or
  // for a provider of `names` that does not exist.
  Result<void> require_associated_locked(const std::string& cluster, const model::Json& strategy) BERTH_REQUIRES(m_mutex);
  Result<void> require_providers_exist_locked(const std::vector<std::string>& names) BERTH_REQUIRES(m_mutex);
  // Whether a service of `cluster` not INACTIVE, one of its tasks not STOPPED or one of its daemons
  // that still exists uses capacity provider `provider`.
  Result<bool> provider_in_use_locked(const std::string& cluster, const std::string& provider) BERTH_REQUIRES(m_mutex);
  // ClusterNotFoundException unless `cluster` is ACTIVE: checked inside each transaction that
  // adds something to a cluster, so DeleteCluster's "contains" checks cannot miss it.
  Result<void> require_active_cluster_locked(const std::string& cluster) BERTH_REQUIRES(m_mutex);
  // The fence of a scheduler's write (PlanCommit::leader_term and the others that take a term):
  // ServerException, saying which term is current, unless `term` is nothing or the stored term.
  // Read inside the write's transaction, so no acquisition can come between it and the commit.
  Result<void> require_term_locked(std::optional<std::int64_t> term) BERTH_REQUIRES(m_mutex);

  // Every public call takes it for its whole transaction: one writer (and reader) at a time on
  // the one connection.
  const std::string m_wal_path;  // for sync(), which runs without the lock
  Mutex m_mutex;
  Db m_db BERTH_GUARDED_BY(m_mutex);
  // Bumped by m_db's triggers (under m_mutex, as every write is); read without it.
  InstanceTaskVersions m_task_versions;
};

}  // namespace berth::store
