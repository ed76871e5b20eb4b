#include "svc/service_scheduler.hpp"

#include <algorithm>
#include <map>
#include <random>

#include "common/ids.hpp"
#include "common/log.hpp"
#include "sched/reconcile.hpp"
#include "svc/placement.hpp"
#include "svc/usage.hpp"

namespace berth::svc {
namespace {

// Tasks on a DRAINING instance are presented to reconcile as an extra, older deployment, so
// replacements start first and the drained tasks stop within minimumHealthyPercent.
constexpr const char* k_draining = "draining-instance";

std::string task_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + ("(task " + id + ")");
  return out;
}

std::string id_of(const Json& task) {
  const std::string arn = task["taskArn"];
  return arn.substr(arn.rfind('/') + 1);
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

Result<void> stop_tasks(Context& ctx, model::Service& s, const std::vector<std::pair<std::string, std::string>>& stops,
                        EpochMs now) {
  std::vector<std::string> stopped;
  for (const auto& [id, why] : stops) {
    BERTH_TRY(stop_task_for(ctx, s.cluster, id, why));
    stopped.push_back(id);
  }
  if (!stopped.empty()) {
    add_event_once(s, "(service " + s.name + ") has stopped " + std::to_string(stopped.size()) +
                          " running tasks: " + task_list(stopped) + ".", now);
  }
  return {};
}

Json task_options(const model::Service& s, const std::string& deployment_id) {
  // ECS's default for services: spread over availability zones, then over instances.
  const Json strategy = !s.placement_strategy.empty() ? s.placement_strategy
                        : Json::array({{{"type", "spread"}, {"field", "attribute:ecs.availability-zone"}},
                                       {{"type", "spread"}, {"field", "instanceId"}}});
  return {{"group", "service:" + s.name}, {"startedBy", deployment_id},
          {"placementConstraints", s.placement_constraints}, {"placementStrategy", strategy}};
}

// Records what a placement started or could not place.
void record_placement(model::Service& s, const Json& placed, int wanted, EpochMs now) {
  std::vector<std::string> started;
  for (const auto& t : placed["tasks"]) started.push_back(id_of(t));
  const std::string label = "(service " + s.name + ")";
  if (!started.empty()) {
    add_event_once(s, label + " has started " + std::to_string(started.size()) + " tasks: " + task_list(started) + ".", now);
  }
  if (static_cast<int>(started.size()) < wanted) {
    add_event_once(s, label + " was unable to place a task because no container instance met all of its "
                             "requirements. Reasons: " + placed["failures"].dump() + ".", now);
  }
}

// Tasks of `deployment` that failed to start: stopped by their own failure, briefly alive.
Result<std::vector<model::Task>> failed_starts(Context& ctx, const model::Service& s, const std::string& deployment,
                                               EpochMs since) {
  store::TaskQuery query = live_tasks_of(s);
  query.not_stopped = false;
  query.started_by = deployment;
  query.desired_status = "STOPPED";
  BERTH_ASSIGN(auto stopped, ctx.store.list_tasks(query));
  std::erase_if(stopped, [&](const model::Task& t) {
    const bool own_failure = t.stop_code == "TaskFailedToStart" || t.stop_code == "EssentialContainerExited";
    const bool short_lived = !t.started_at || !t.stopping_at || *t.stopping_at - *t.started_at < 10'000;
    return !own_failure || !short_lived || t.created_at < since;
  });
  return stopped;
}

// Start throttling: after 3 failures to start, launches wait 5 s, doubling per failure up to
// 15 minutes, with ECS's event. Returns false while launches must wait. Failures after a task
// ran for a while are crashes and never throttled.
Result<bool> may_launch(Context& ctx, model::Service& s, EpochMs now) {
  // With the circuit breaker on, failing deployments are its business: throttling would only
  // delay it reaching its threshold.
  if (s.deployment_configuration.value("deploymentCircuitBreaker", Json::object()).value("enable", false)) return true;
  BERTH_ASSIGN(auto failures, failed_starts(ctx, s, s.deployments.front().id, s.throttle_reset_at));
  const int n = static_cast<int>(failures.size());
  if (n < 3) return true;
  if (now < s.next_launch_at) return false;
  const long long delay_ms = std::min<long long>(900'000, 5'000LL << std::min(n - 3, 10));
  s.next_launch_at = now + delay_ms;
  add_event_once(s, "(service " + s.name + ") is unable to consistently start tasks successfully.", now);
  return true;
}

// ECS's circuit-breaker threshold: half the desired count, at least 10, at most 200.
int failure_threshold(const model::Service& s) {
  return std::clamp((std::max(1, s.desired_count) + 1) / 2, 10, 200);
}

// Counts the primary deployment's tasks that failed to start (stopped by their own failure
// before running steadily) and, past the threshold, marks the deployment FAILED and, with
// rollback, returns to the last deployment that completed.
Result<void> apply_circuit_breaker(Context& ctx, model::Service& s, EpochMs now) {
  if (s.deployments.empty()) return {};
  auto& primary = s.deployments.front();
  if (primary.rollout_state != "IN_PROGRESS") return {};
  BERTH_ASSIGN(auto failures, failed_starts(ctx, s, primary.id, 0));
  const int failed = static_cast<int>(failures.size());
  primary.failed_tasks = failed;
  const auto breaker = s.deployment_configuration.value("deploymentCircuitBreaker", Json::object());
  if (!breaker.value("enable", false) || failed < failure_threshold(s)) return {};
  const std::string label = "(service " + s.name + ")";
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
  const std::string previous_id = previous->id;
  for (auto& d : s.deployments) d.status = "ACTIVE";
  s.deployments.insert(s.deployments.begin(), rollback);
  add_event_once(s, label + " rolling back to deployment " + previous_id + ".", now);
  return {};
}

Result<std::optional<model::TaskDefinition>> definition_of(Context& ctx, const model::Deployment& d) {
  return ctx.store.find_task_definition(d.family, d.revision);
}

// True if any essential container of the task's definition has a health check.
Result<bool> has_health_checks(Context& ctx, const model::Task& t, std::map<std::string, bool>& cache) {
  const std::string key = t.family + ":" + std::to_string(t.revision);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(t.family, t.revision));
  bool checks = false;
  for (const auto& c : td ? td->body["containerDefinitions"] : Json::array()) {
    checks = checks || (c.value("essential", true) && c.contains("healthCheck"));
  }
  cache[key] = checks;
  return checks;
}

// ECS: a new task is healthy when its essential containers pass their health checks, or,
// without checks, once it has run for a settling time (so a task that crashes at once never
// lets an old one go). Tasks of older deployments count while they run and are not failing
// their checks: they are the capacity minimumHealthyPercent protects.
Result<bool> is_healthy(Context& ctx, const model::Task& t, bool primary, EpochMs now, EpochMs settle_ms,
                        std::map<std::string, bool>& cache) {
  if (t.last_status != "RUNNING") return false;
  if (!primary) return t.health_status != "UNHEALTHY";
  BERTH_ASSIGN(bool checks, has_health_checks(ctx, t, cache));
  if (checks) return t.health_status == "HEALTHY";
  return t.started_at && now - *t.started_at >= settle_ms;
}

Result<void> reconcile_replica(Context& ctx, model::Service& s, const std::vector<model::Task>& tasks,
                               std::vector<std::string>& finished, EpochMs now, EpochMs settle_ms) {
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(s.cluster, std::nullopt, "", 100000));
  std::set<std::string> draining;
  for (const auto& i : instances) {
    if (i.status != "ACTIVE") draining.insert(i.id);
  }
  sched::ServiceView view;
  view.draining = s.status == "DRAINING";
  view.desired_count = s.desired_count;
  view.maximum_percent = s.maximum_percent;
  view.minimum_healthy_percent = s.minimum_healthy_percent;
  for (const auto& d : s.deployments) view.deployments.push_back({d.id});
  view.deployments.push_back({k_draining});
  std::map<std::string, int> rank;
  if (static_cast<int>(tasks.size()) > s.desired_count) {
    BERTH_ASSIGN(auto order, scale_in_order_of(ctx, s.cluster, tasks, task_options(s, "")["placementStrategy"]));
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int>(i);
  }
  std::vector<sched::TaskView> views;
  std::map<std::string, bool> checks_cache;
  for (const auto& t : tasks) {
    const bool on_draining = draining.contains(t.container_instance_id);
    BERTH_ASSIGN(bool healthy, is_healthy(ctx, t, t.started_by == s.deployments.front().id, now, settle_ms, checks_cache));
    views.push_back({t.id, on_draining ? k_draining : t.started_by, t.last_status, healthy, rank[t.id]});
  }
  const sched::Plan plan = sched::reconcile(view, views);
  BERTH_TRY(stop_tasks(ctx, s, plan.stop, now));
  for (const auto& id : plan.finished_deployments) finished.push_back(id);
  for (const auto& [deployment_id, count] : plan.start) {
    if (count <= 0) continue;
    const auto& primary = s.deployments.front();
    // A deployment the circuit breaker stopped launches nothing more.
    if (primary.id != deployment_id || primary.rollout_state == "FAILED") continue;
    BERTH_ASSIGN(bool launch, may_launch(ctx, s, now));
    if (!launch) continue;
    BERTH_ASSIGN(auto td, definition_of(ctx, s.deployments.front()));
    if (!td) continue;
    BERTH_ASSIGN(auto placed, place_new_tasks(ctx, s.cluster, *td, task_options(s, deployment_id), count));
    record_placement(s, placed, count, now);
  }
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
  // DAEMON services first: their tasks are placed before replicas take the room.
  std::stable_partition(services->begin(), services->end(),
                        [](const model::Service& s) { return s.scheduling_strategy == "DAEMON"; });
  for (auto& s : *services) {
    const std::string name = s.cluster + "/" + s.name;
    // One service whose records break an assumption must not keep the others from being served.
    try {
      if (auto ok = reconcile_service(std::move(s)); !ok) log_warn("scheduler: " + ok.error().message);
    } catch (const std::exception& e) {
      log_error("scheduler: service " + name + ": internal error: " + e.what());
    }
  }
}

Result<void> ServiceScheduler::reconcile_daemon(model::Service& s, const std::vector<model::Task>& tasks, EpochMs now) {
  BERTH_ASSIGN(auto instances, m_ctx.store.list_container_instances(s.cluster, std::nullopt, "", 100000));
  std::vector<place::Expression> constraints;
  for (const auto& c : s.placement_constraints) {
    if (c.value("type", "") != "memberOf") continue;
    BERTH_ASSIGN(auto e, place::parse_expression(c.value("expression", "")));
    constraints.push_back(std::move(e));
  }
  if (s.deployments.empty()) return {};
  const auto& primary = s.deployments.front();
  std::vector<std::pair<std::string, std::string>> stops;
  std::vector<model::ContainerInstance> need_task;
  int eligible_count = 0;
  for (const auto& instance : instances) {
    BERTH_ASSIGN(auto usage, usage_of(m_ctx, instance));
    const auto facts = facts_of(instance, usage);
    const bool eligible = s.status == "ACTIVE" && instance.status == "ACTIVE" &&
                          std::all_of(constraints.begin(), constraints.end(),
                                      [&](const place::Expression& e) { return e.matches(facts); });
    eligible_count += eligible ? 1 : 0;
    bool has_current = false;
    for (const auto& t : tasks) {
      if (t.container_instance_id != instance.id) continue;
      if (!eligible) {
        stops.emplace_back(t.id, instance.status == "ACTIVE" ? "instance no longer meets the service's constraints"
                                                             : "instance is draining");
      } else if (t.started_by != primary.id) {
        stops.emplace_back(t.id, "replaced by a newer deployment");  // daemons stop before they start
      } else if (has_current) {
        stops.emplace_back(t.id, "one daemon task per instance");
      } else {
        has_current = true;
      }
    }
    const bool old_still_there = std::any_of(tasks.begin(), tasks.end(), [&](const model::Task& t) {
      return t.container_instance_id == instance.id && t.started_by != primary.id;
    });
    if (eligible && !has_current && !old_still_there) need_task.push_back(instance);
  }
  s.desired_count = eligible_count;
  if (!s.deployments.empty()) s.deployments.front().desired_count = eligible_count;
  BERTH_TRY(stop_tasks(m_ctx, s, stops, now));
  if (!need_task.empty() && primary.rollout_state != "FAILED") {
    BERTH_ASSIGN(auto td, definition_of(m_ctx, primary));
    if (td) {
      BERTH_ASSIGN(auto placed, start_new_tasks_on(m_ctx, s.cluster, *td, task_options(s, primary.id), need_task));
      record_placement(s, placed, static_cast<int>(need_task.size()), now);
    }
  }
  return {};
}

Result<void> ServiceScheduler::reconcile_service(model::Service s) {
  const Json before = model::service_to_record(s);
  const long long version = s.version;
  const EpochMs now = m_ctx.clock.now_ms();
  const std::string label = "(service " + s.name + ")";
  const store::TaskQuery query = live_tasks_of(s);
  BERTH_ASSIGN(auto tasks, m_ctx.store.list_tasks(query));

  std::vector<std::string> finished;
  if (s.scheduling_strategy == "DAEMON") {
    BERTH_TRY(reconcile_daemon(s, tasks, now));
  } else {
    BERTH_TRY(reconcile_replica(m_ctx, s, tasks, finished, now, m_settle_ms));
  }

  // Deployment bookkeeping from the tasks as they are now.
  BERTH_ASSIGN(auto current, m_ctx.store.list_tasks(query));
  if (s.scheduling_strategy == "DAEMON") {
    for (std::size_t d = 1; d < s.deployments.size(); ++d) {
      const auto& id = s.deployments[d].id;
      if (std::none_of(current.begin(), current.end(), [&](const model::Task& t) { return t.started_by == id; })) {
        finished.push_back(id);
      }
    }
  }
  std::erase_if(s.deployments, [&](const model::Deployment& d) {
    return &d != &s.deployments.front() && std::find(finished.begin(), finished.end(), d.id) != finished.end();
  });
  for (auto& d : s.deployments) {
    int running = 0, pending = 0;
    for (const auto& t : current) {
      if (t.started_by == d.id) (t.last_status == "RUNNING" ? running : pending) += 1;
    }
    if (d.running_count != running || d.pending_count != pending) {
      d.running_count = running;
      d.pending_count = pending;
      d.updated_at = now;
    }
  }
  BERTH_TRY(apply_circuit_breaker(m_ctx, s, now));
  if (!s.deployments.empty()) {
    auto& primary = s.deployments.front();
    const bool steady = s.deployments.size() == 1 && primary.running_count == s.desired_count && primary.pending_count == 0;
    if (steady && primary.rollout_state == "IN_PROGRESS") {
      primary.rollout_state = "COMPLETED";
      primary.rollout_state_reason = "ECS deployment " + primary.id + " completed.";
      primary.updated_at = now;
      add_event_once(s, label + " has reached a steady state.", now);
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
