#include "agent/state_reporter.hpp"

#include "common/log.hpp"
#include "model/remote_agent_codecs.hpp"

namespace berth::agent {
namespace {

using model::TaskStatus;

// A container's state as reported, comparable as text (the encoder's own form).
std::string told_text(const model::ContainerStateChange& change) {
  return model::encode_container_state_change({std::nullopt, "", change}).dump();
}

}  // namespace

model::TaskStateChange state_change_of(const model::Task& task) {
  model::TaskStateChange change;
  change.status = task.last_status;
  if (!task.stopped_reason.empty()) change.reason = task.stopped_reason;
  change.pull_started_at = task.pull_started_at;
  change.pull_stopped_at = task.pull_stopped_at;
  change.execution_stopped_at = task.execution_stopped_at;
  for (const auto& c : task.containers) {
    model::ContainerStateChange cc;
    cc.container_name = c.name;
    cc.status = c.last_status;
    cc.exit_code = c.exit_code;
    if (!c.reason.empty()) cc.reason = c.reason;
    if (!c.runtime_id.empty()) cc.runtime_id = c.runtime_id;
    if (!c.image_digest.empty()) cc.image_digest = c.image_digest;
    cc.network_bindings = c.network_bindings;
    change.containers.push_back(std::move(cc));
  }
  return change;
}

StateReporter::StateReporter(store::Store& store, ControlPlane& server, const Clock& clock)
    : m_store(store), m_server(server), m_clock(clock) {}

Result<ReportOutcome> StateReporter::report(const JoinedIdentity& identity) {
  ReportOutcome outcome;
  store::TaskQuery query;
  query.container_instance = identity.instance_id;
  query.limit = 100000;
  BERTH_ASSIGN(const auto tasks, m_store.list_tasks(query));
  std::map<std::string, Told> kept;  // the tasks still in the store: the rest are forgotten
  const EpochMs now = m_clock.now_ms();
  for (const auto& task : tasks) {
    const auto change = state_change_of(task);
    Told now_told{task.last_status, {}};
    for (const auto& c : change.containers) now_told.containers[c.container_name] = told_text(c);
    const auto before = m_told.find(task.id);
    const bool told_task = before != m_told.end() && before->second.status == task.last_status;
    const bool told_all = told_task && before->second.containers == now_told.containers;
    if (told_all) {
      if (task.last_status == TaskStatus::stopped && task.stopped_at && *task.stopped_at + k_keep_reported_stopped_ms < now) {
        BERTH_TRY(m_store.delete_task(task.id));
        continue;
      }
      kept.emplace(task.id, std::move(before->second));
      continue;
    }
    if (outcome.unanswered) {
      if (before != m_told.end()) kept.emplace(task.id, std::move(before->second));
      continue;
    }
    Result<void> sent;
    if (!told_task) {
      sent = m_server.submit_task_state_change(identity, {identity.cluster, task.id, change});
      if (sent) ++outcome.task_reports;
    } else {
      for (const auto& c : change.containers) {
        if (before->second.containers[c.container_name] == now_told.containers[c.container_name]) continue;
        sent = m_server.submit_container_state_change(identity, {identity.cluster, task.id, c});
        if (!sent) break;
        ++outcome.container_reports;
      }
    }
    if (!sent && unanswered(sent.error())) {
      outcome.unanswered = true;
      if (before != m_told.end()) kept.emplace(task.id, std::move(before->second));
      continue;
    }
    if (!sent) {
      // A task the server stopped for good or gave to no one here: it answers so forever.
      ++outcome.refused;
      log_warn("task " + task.id + ": the serving gateway refused its report: " + sent.error().message);
    }
    kept.emplace(task.id, std::move(now_told));
  }
  m_told = std::move(kept);
  return outcome;
}

}  // namespace berth::agent
