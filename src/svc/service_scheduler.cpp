#include "svc/service_scheduler.hpp"

#include <algorithm>
#include <random>

#include "common/ids.hpp"
#include "common/log.hpp"
#include "model/task.hpp"
#include "sched/reconcile.hpp"
#include "svc/placement.hpp"

namespace berth::svc {
namespace {

std::string task_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + ("(task " + id + ")");
  return out;
}

void add_event_once(model::Service& s, const std::string& message, EpochMs now) {
  if (!s.events.empty() && s.events.front().message == message) return;  // no churn, no writes
  model::add_event(s, message, now, random_uuid());
}

// Stops one task for the scheduler, retrying on a conflict with the agent.
Result<void> stop_task_for(Context& ctx, const std::string& cluster, const std::string& id, const std::string& reason) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, id));
    if (!task || task->desired_status == "STOPPED") return {};
    const long long version = task->version;
    task->desired_status = "STOPPED";
    task->stop_code = "ServiceSchedulerInitiated";
    task->stopped_reason = reason;
    task->stopping_at = ctx.clock.now_ms();
    task->version++;
    BERTH_ASSIGN(bool saved, ctx.store.replace_task(*task, version));
    if (saved) return {};
  }
  return fail(Code::server, "task " + id + " kept changing");
}

// ECS's circuit-breaker threshold: half the desired count, at least 10, at most 200.
int failure_threshold(const model::Service& s) {
  return std::clamp((std::max(1, s.desired_count) + 1) / 2, 10, 200);
}

// Counts the primary deployment's tasks that failed to start (stopped by their own failure
// before running steadily) and, past the threshold, marks the deployment FAILED and, with
// rollback, returns to the last deployment that completed.
Result<void> apply_circuit_breaker(Context& ctx, model::Service& s, const std::string& label, EpochMs now) {
  if (s.deployments.empty()) return {};
  auto& primary = s.deployments.front();
  if (primary.rollout_state != "IN_PROGRESS") return {};
  store::TaskQuery query;
  query.cluster = s.cluster;
  query.group = "service:" + s.name;
  query.started_by = primary.id;
  query.desired_status = "STOPPED";
  query.limit = 100000;
  BERTH_ASSIGN(auto stopped, ctx.store.list_tasks(query));
  int failed = 0;
  for (const auto& t : stopped) {
    const bool own_failure = t.stop_code == "TaskFailedToStart" || t.stop_code == "EssentialContainerExited";
    // A task that ran for a while and then exited is a crash, not a failure to start.
    const bool short_lived = !t.started_at || !t.stopping_at || *t.stopping_at - *t.started_at < 10'000;
    failed += own_failure && short_lived ? 1 : 0;
  }
  primary.failed_tasks = failed;
  const auto breaker = s.deployment_configuration.value("deploymentCircuitBreaker", model::Json::object());
  if (!breaker.value("enable", false) || failed < failure_threshold(s)) return {};
  primary.rollout_state = "FAILED";
  primary.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
  primary.updated_at = now;
  add_event_once(s, label + " deployment " + primary.id + " deployment failed: tasks failed to start.", now);
  if (!breaker.value("rollback", false)) return {};
  const auto previous = std::find_if(s.deployments.begin() + 1, s.deployments.end(),
                                     [](const model::Deployment& d) { return d.rollout_state == "COMPLETED"; });
  if (previous == s.deployments.end()) return {};
  model::Deployment rollback;
  rollback.id = new_deployment_id();
  rollback.family = previous->family;
  rollback.revision = previous->revision;
  rollback.desired_count = s.desired_count;
  rollback.created_at = rollback.updated_at = now;
  for (auto& d : s.deployments) d.status = "ACTIVE";
  s.deployments.insert(s.deployments.begin(), rollback);
  add_event_once(s, label + " rolling back to deployment " + previous->id + ".", now);
  return {};
}

}  // namespace

std::string new_deployment_id() {
  std::mt19937_64 rng(std::random_device{}());
  std::string digits;
  for (int i = 0; i < 19; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
  return "ecs-svc/" + digits;
}

void ServiceScheduler::pass() {
  auto services = m_ctx.store.list_services(std::nullopt, {"ACTIVE", "DRAINING"}, "", 100000);
  if (!services) {
    log_error("scheduler: " + services.error().message);
    return;
  }
  for (auto& s : *services) {
    if (auto ok = reconcile_service(std::move(s)); !ok) log_warn("scheduler: " + ok.error().message);
  }
}

Result<void> ServiceScheduler::reconcile_service(model::Service s) {
  const model::Json before = model::service_to_record(s);
  const long long version = s.version;
  const EpochMs now = m_ctx.clock.now_ms();
  const std::string label = "(service " + s.name + ")";
  const store::TaskQuery query = live_tasks_of(s);
  BERTH_ASSIGN(auto tasks, m_ctx.store.list_tasks(query));

  sched::ServiceView view;
  view.draining = s.status == "DRAINING";
  view.desired_count = s.desired_count;
  view.maximum_percent = s.maximum_percent;
  view.minimum_healthy_percent = s.minimum_healthy_percent;
  for (const auto& d : s.deployments) view.deployments.push_back({d.id});
  std::vector<sched::TaskView> views;
  for (const auto& t : tasks) {
    views.push_back({t.id, t.started_by, t.last_status, t.last_status == "RUNNING" && t.health_status != "UNHEALTHY"});
  }
  const sched::Plan plan = sched::reconcile(view, views);

  std::vector<std::string> stopped;
  for (const auto& [id, why] : plan.stop) {
    BERTH_TRY(stop_task_for(m_ctx, s.cluster, id, why));
    stopped.push_back(id);
  }
  if (!stopped.empty()) add_event_once(s, label + " has stopped " + std::to_string(stopped.size()) + " running tasks: " + task_list(stopped) + ".", now);

  for (const auto& [deployment_id, count] : plan.start) {
    if (count <= 0) continue;
    // A deployment the circuit breaker stopped launches nothing more.
    if (s.deployments.front().id == deployment_id && s.deployments.front().rollout_state == "FAILED") continue;
    const auto d = std::find_if(s.deployments.begin(), s.deployments.end(), [&](const auto& x) { return x.id == deployment_id; });
    auto td = m_ctx.store.find_task_definition(d->family, d->revision);
    if (!td || !*td) continue;
    const model::Json options{{"group", "service:" + s.name}, {"startedBy", deployment_id},
                              {"placementConstraints", s.placement_constraints},
                              {"placementStrategy", s.placement_strategy}};
    BERTH_ASSIGN(auto placed, place_new_tasks(m_ctx, s.cluster, **td, options, count));
    std::vector<std::string> started;
    for (const auto& t : placed["tasks"]) started.push_back(t["taskArn"].get<std::string>().substr(t["taskArn"].get<std::string>().rfind('/') + 1));
    if (!started.empty()) {
      add_event_once(s, label + " has started " + std::to_string(started.size()) + " tasks: " + task_list(started) + ".", now);
    }
    if (static_cast<int>(started.size()) < count) {
      add_event_once(s, label + " was unable to place a task because no container instance met all of its "
                               "requirements. Reasons: " + placed["failures"].dump() + ".", now);
    }
  }

  // Deployment bookkeeping from the tasks as they are now.
  std::erase_if(s.deployments, [&](const model::Deployment& d) {
    return &d != &s.deployments.front() &&
           std::find(plan.finished_deployments.begin(), plan.finished_deployments.end(), d.id) != plan.finished_deployments.end();
  });
  BERTH_ASSIGN(auto current, m_ctx.store.list_tasks(query));
  for (auto& d : s.deployments) {
    int running = 0, pending = 0;
    for (const auto& t : current) {
      if (t.started_by != d.id) continue;
      (t.last_status == "RUNNING" ? running : pending) += 1;
    }
    if (d.running_count != running || d.pending_count != pending) {
      d.running_count = running;
      d.pending_count = pending;
      d.updated_at = now;
    }
  }
  BERTH_TRY(apply_circuit_breaker(m_ctx, s, label, now));
  if (!s.deployments.empty()) {
    auto& primary = s.deployments.front();
    const bool steady = s.deployments.size() == 1 && primary.running_count == s.desired_count && primary.pending_count == 0;
    if (steady && primary.rollout_state != "COMPLETED") {
      primary.rollout_state = "COMPLETED";
      primary.rollout_state_reason = "ECS deployment " + primary.id + " completed.";
      primary.updated_at = now;
      add_event_once(s, label + " has reached a steady state.", now);
    } else if (!steady && primary.rollout_state == "COMPLETED" && s.deployments.size() > 1) {
      primary.rollout_state = "IN_PROGRESS";
    }
  }
  if (s.status == "DRAINING" && current.empty()) s.status = "INACTIVE";

  if (model::service_to_record(s) == before) return {};
  s.version = version + 1;
  BERTH_ASSIGN(bool saved, m_ctx.store.replace_service(s, version));
  if (!saved) wake();  // changed underneath (UpdateService): the next pass starts over
  return {};
}

}  // namespace berth::svc
