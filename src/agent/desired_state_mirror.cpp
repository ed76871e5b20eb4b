#include "agent/desired_state_mirror.hpp"

#include <map>
#include <set>

#include "common/log.hpp"
#include "store/update_with_retry.hpp"

namespace berth::agent {
namespace {

using model::TaskStatus;

// A task as the node first keeps it: the server's record with the observed state the node has
// not seen yet. A task the server believes started (the node lost its copy) starts from PENDING:
// the agent adopts its containers if they still run, else starts them.
model::Task first_copy(model::Task task, const model::Json* definition) {
  if (task.desired_status == TaskStatus::running && task.last_status != TaskStatus::pending) {
    task.last_status = TaskStatus::pending;
    for (auto& c : task.containers) {
      c.last_status = TaskStatus::pending;
      c.exit_code.reset();
    }
  }
  // The wire does not carry `essential`; the definition does (ECS's default: true).
  if (definition) {
    for (auto& c : task.containers) {
      for (const auto& cd : (*definition)["containerDefinitions"]) {
        if (cd.is_object() && cd.value("name", "") == c.name) c.essential = cd.value("essential", true);
      }
    }
  }
  return task;
}

// Moves the stored task `id` to desired STOPPED with `code` and `reason` unless it is stopping
// already; retried when the agent changed the row in between. Returns whether it moved it.
Result<bool> stop_desired(store::Store& store, const std::string& cluster, const std::string& id, const std::string& code,
                          const std::string& reason, EpochMs now) {
  return store::update_with_retry(5, Code::server, "task " + id + " kept changing while its stop was recorded",
                                  [&]() -> Result<std::optional<bool>> {
                                    BERTH_ASSIGN(auto task, store.find_task(cluster, id));
                                    if (!task || task->desired_status == TaskStatus::stopped ||
                                        task->last_status == TaskStatus::stopped) {
                                      return std::optional<bool>{false};
                                    }
                                    const long long version = task->version;
                                    task->desired_status = TaskStatus::stopped;
                                    task->stop_code = code;
                                    task->stopped_reason = reason;
                                    if (!task->stopping_at) task->stopping_at = now;
                                    ++task->version;
                                    BERTH_ASSIGN(bool saved, store.replace_task(*task, version));
                                    if (!saved) return std::optional<bool>{};  // the agent wrote it meanwhile
                                    return std::optional<bool>{true};
                                  });
}

}  // namespace

Result<MirrorOutcome> apply_desired_state(store::Store& store, const std::string& instance_id,
                                          const model::PollInstanceTasksReply& reply, EpochMs now) {
  MirrorOutcome outcome;
  std::map<std::string, const model::Json*> definitions;  // "family:revision" → body
  for (const auto& td : reply.definitions) {
    BERTH_TRY(store.mirror_task_definition(td));
    definitions[td.family + ":" + std::to_string(td.revision)] = &td.body;
  }
  std::set<std::string> listed;
  bool cluster_known = false;
  for (const auto& task : reply.tasks) {
    if (task.container_instance_id != instance_id) continue;
    listed.insert(task.id);
    BERTH_ASSIGN(auto local, store.find_task(task.cluster, task.id));
    if (!local) {
      if (!cluster_known) {
        BERTH_TRY(store.ensure_cluster(task.cluster, now, ""));
        cluster_known = true;
      }
      const auto td = definitions.find(task.family + ":" + std::to_string(task.revision));
      BERTH_ASSIGN(bool added, store.insert_mirrored_task(first_copy(task, td == definitions.end() ? nullptr : td->second)));
      outcome.added += added ? 1 : 0;
      continue;
    }
    if (task.desired_status == TaskStatus::stopped) {
      BERTH_ASSIGN(bool moved, stop_desired(store, task.cluster, task.id, task.stop_code, task.stopped_reason, now));
      outcome.stopping += moved ? 1 : 0;
    }
  }
  store::TaskQuery query;
  query.container_instance = instance_id;
  query.not_stopped = true;
  query.limit = 100000;
  BERTH_ASSIGN(const auto running, store.list_tasks(query));
  for (const auto& task : running) {
    if (listed.contains(task.id)) continue;
    BERTH_ASSIGN(bool moved, stop_desired(store, task.cluster, task.id, "ServiceSchedulerInitiated", k_fenced_reason, now));
    if (moved) log_info("task " + task.id + ": " + k_fenced_reason + "; stopping it");
    outcome.fenced += moved ? 1 : 0;
  }
  return outcome;
}

}  // namespace berth::agent
