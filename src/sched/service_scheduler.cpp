#include "sched/service_scheduler.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sched/reconcile.hpp"
#include "sched/service_rules.hpp"
#include "sched/task_set_reconcile.hpp"

namespace berth::sched {
namespace {

// Tasks on a DRAINING instance are presented to reconcile as an extra, older deployment, so
// replacements start first and the drained tasks stop within minimumHealthyPercent.
constexpr const char* k_draining = "draining-instance";

std::string task_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + ("(task " + id + ")");
  return out;
}

// ECS's default for services: spread over availability zones, then over instances.
std::vector<model::PlacementStrategy> strategy_of(const model::ServiceState& s) {
  if (!s.placement_strategy.empty()) return s.placement_strategy;
  return {{"spread", "attribute:ecs.availability-zone"}, {"spread", "instanceId"}};
}

// One pass over one service: the state it changes, the events it adds and the plan it builds.
class ServicePass {
 public:
  ServicePass(const model::ClusterSnapshot& snapshot, const model::ServiceState& service, EpochMs now,
              const ServiceSchedulerSettings& settings, const ArnScope& arns, std::mt19937_64& rng,
              const TaskIdSource& new_task_id)
      : m_snapshot(snapshot), m_before(service), m_s(service), m_now(now), m_settings(settings), m_arns(arns),
        m_rng(rng), m_new_task_id(new_task_id), m_label("(service " + service.name + ")"),
        m_latest_event(service.latest_event) {}

  Result<Plan> run();

 private:
  Result<void> replica(const std::vector<const model::TaskState*>& tasks);
  Result<void> daemon(const std::vector<const model::TaskState*>& tasks);
  Result<void> task_sets(const std::vector<const model::TaskState*>& tasks);
  void stop(const std::vector<std::pair<std::string, std::string>>& stops);
  // Places `count` tasks of the PRIMARY deployment (on `instances` when given, one on each).
  Result<void> start(int count, const std::vector<std::string>& instances);
  // Places `count` tasks of `family`:`revision` started by `started_by` (a deployment or task set).
  Result<void> start_tasks(const std::string& family, long long revision, const std::string& started_by, int count,
                           const std::vector<std::string>& instances);
  // Scale-in order of `tasks` by the placement strategy (only when there are more than `desired`).
  Result<std::map<std::string, int>> scale_in_ranks(const std::vector<const model::TaskState*>& tasks, int desired);
  bool may_launch();
  // Whether `task`'s instance is no longer ACTIVE (DRAINING): its tasks are replaced elsewhere.
  bool on_draining_instance(const model::TaskState& task) const;
  void count_deployments(const std::vector<model::TaskState>& current, std::vector<std::string>& finished);
  void apply_circuit_breaker();
  void add_event_once(const std::string& message);

  const model::ClusterSnapshot& m_snapshot;
  const model::ServiceState& m_before;
  model::ServiceState m_s;
  EpochMs m_now;
  const ServiceSchedulerSettings& m_settings;
  const ArnScope& m_arns;
  std::mt19937_64& m_rng;
  const TaskIdSource& m_new_task_id;
  std::string m_label;
  std::string m_latest_event;
  std::vector<std::string> m_events;
  std::vector<std::string> m_finished;
  // Tasks whose scale-in protection this pass honours: their stops are committed unless they
  // became protected meanwhile.
  std::set<std::string> m_protectable;
  Plan m_plan;
};

void ServicePass::add_event_once(const std::string& message) {
  if (m_latest_event == message) return;  // no churn, no writes
  m_events.push_back(message);
  m_latest_event = message;
}

void ServicePass::stop(const std::vector<std::pair<std::string, std::string>>& stops) {
  std::vector<std::string> stopped;
  for (const auto& [id, why] : stops) {
    m_plan.stops.push_back({id, why, m_protectable.contains(id)});
    stopped.push_back(id);
  }
  if (!stopped.empty()) {
    add_event_once(m_label + " has stopped " + std::to_string(stopped.size()) + " running tasks: " +
                   task_list(stopped) + ".");
  }
}

Result<void> ServicePass::start(int count, const std::vector<std::string>& instances) {
  const auto& primary = m_s.deployments.front();
  return start_tasks(primary.family, primary.revision, primary.id, count, instances);
}

Result<void> ServicePass::start_tasks(const std::string& family, long long revision, const std::string& started_by,
                                      int count, const std::vector<std::string>& instances) {
  const auto* definition = m_snapshot.definition(family, revision);
  if (!definition) return {};
  PlacementRequest request;
  request.definition = *definition;
  request.constraints = m_s.placement_constraints;
  request.strategies = strategy_of(m_s);
  request.group = "service:" + m_s.name;
  request.started_by = started_by;
  request.count = count;
  request.instance_ids = instances;
  BERTH_ASSIGN(auto placed, place_tasks(m_snapshot, request, m_settings.placement, m_rng, m_new_task_id));
  std::vector<std::string> started;
  for (const auto& t : placed.starts) started.push_back(t.task_id);
  if (!started.empty()) {
    add_event_once(m_label + " has started " + std::to_string(started.size()) + " tasks: " + task_list(started) + ".");
  }
  if (static_cast<int>(started.size()) < count) {
    // As the JSON of RunTask's failures: ARNs and reasons need no escaping.
    std::string reasons = "[";
    for (const auto& f : placed.failures) {
      reasons += std::string(reasons.size() > 1 ? "," : "") + "{\"arn\":\"" +
                 m_arns.container_instance(m_snapshot.cluster, f.instance_id) + "\",\"reason\":\"" + f.reason + "\"}";
    }
    add_event_once(m_label + " was unable to place a task because no container instance met all of its "
                             "requirements. Reasons: " + reasons + "].");
  }
  for (auto& t : placed.starts) m_plan.starts.push_back(std::move(t));
  for (auto& f : placed.failures) m_plan.failures.push_back(std::move(f));
  return {};
}

// With the circuit breaker on, failing deployments are its business: throttling would only
// delay it reaching its threshold. Failures after a task ran for a while are crashes and never
// throttled.
bool ServicePass::may_launch() {
  if (m_s.circuit_breaker && !m_s.external) return true;
  int failures = 0;
  if (m_s.external) {
    for (const auto& set : m_s.task_sets) failures += failed_starts(m_snapshot, m_s, set.id, m_s.throttle_reset_at);
  } else {
    failures = failed_starts(m_snapshot, m_s, m_s.deployments.front().id, m_s.throttle_reset_at);
  }
  const auto decision = start_throttle(failures, m_now, m_s.next_launch_at);
  m_s.next_launch_at = decision.next_launch_at;
  if (decision.throttled) add_event_once(m_label + " is unable to consistently start tasks successfully.");
  return decision.launch;
}

bool ServicePass::on_draining_instance(const model::TaskState& task) const {
  const auto* instance = m_snapshot.instance(task.instance_id);
  return instance && (instance->status != model::InstanceStatus::active || !instance->agent_connected);
}

Result<void> ServicePass::replica(const std::vector<const model::TaskState*>& tasks) {
  ServiceView view;
  view.draining = m_s.status == model::ServiceStatus::draining;
  view.desired_count = m_s.desired_count;
  view.maximum_percent = m_s.maximum_percent;
  view.minimum_healthy_percent = m_s.minimum_healthy_percent;
  for (const auto& d : m_s.deployments) view.deployments.push_back({d.id});
  view.deployments.push_back({k_draining});
  BERTH_ASSIGN(auto rank, scale_in_ranks(tasks, m_s.desired_count));
  const std::string primary_id = m_s.deployments.empty() ? "" : m_s.deployments.front().id;
  std::vector<TaskView> views;
  for (const auto* t : tasks) {
    const bool on_draining = on_draining_instance(*t);
    const auto* definition = m_snapshot.definition(t->family, t->revision);
    const bool healthy = is_healthy(*t, t->started_by == primary_id, definition && definition->health_checks, m_now,
                                    m_settings.settle_ms);
    // Protection holds against scale-in and deployments, not against draining or deleting.
    const bool protectable = !view.draining && !on_draining;
    if (protectable) m_protectable.insert(t->id);
    views.push_back({t->id, on_draining ? k_draining : t->started_by, healthy, rank[t->id],
                     protectable && t->protected_at(m_now)});
  }
  const auto decided = reconcile(view, views);
  stop(decided.stop);
  if (decided.held_by_protection > 0) {
    add_event_once(m_label + " was unable to scale in due to (reason: " + std::to_string(decided.held_by_protection) +
                   " tasks under protection).");
  }
  for (const auto& id : decided.finished_deployments) m_finished.push_back(id);
  for (const auto& [deployment_id, count] : decided.start) {
    if (count <= 0) continue;
    const auto& primary = m_s.deployments.front();
    // A deployment the circuit breaker stopped launches nothing more.
    if (primary.id != deployment_id || primary.rollout_state == "FAILED") continue;
    if (!may_launch()) continue;
    BERTH_TRY(start(count, {}));
  }
  return {};
}

Result<std::map<std::string, int>> ServicePass::scale_in_ranks(const std::vector<const model::TaskState*>& tasks,
                                                               int desired) {
  std::map<std::string, int> rank;
  if (static_cast<int>(tasks.size()) <= desired) return rank;
  BERTH_ASSIGN(auto order, scale_in_order(m_snapshot, tasks, strategy_of(m_s), m_rng));
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int>(i);
  return rank;
}

// EXTERNAL: each task set at its computed count; DRAINING sets without tasks leave the record.
Result<void> ServicePass::task_sets(const std::vector<const model::TaskState*>& tasks) {
  TaskSetService service;
  service.draining = m_s.status == model::ServiceStatus::draining;
  service.maximum_percent = m_s.maximum_percent;
  service.minimum_healthy_percent = m_s.minimum_healthy_percent;
  std::vector<TaskSetTarget> targets;
  std::set<std::string> active_sets;
  for (const auto& set : m_s.task_sets) {
    const bool draining = set.status == model::TaskSetStatus::draining;
    const int desired = service.draining ? 0 : model::computed_desired_count(set, m_s.desired_count);
    targets.push_back({set.id, desired, draining});
    if (!draining) active_sets.insert(set.id);
  }
  // Any set may scale in while another grows: rank all the tasks.
  BERTH_ASSIGN(auto rank, scale_in_ranks(tasks, 0));
  std::vector<TaskView> views;
  for (const auto* t : tasks) {
    const bool on_draining = on_draining_instance(*t);
    const bool healthy = t->last_status == model::TaskStatus::running && t->health_status != "UNHEALTHY";
    // As for REPLICA: protection holds against scale-in, not against deleting the task set or
    // the service, nor against draining the instance. The commit re-checks exactly these stops.
    const bool protectable = !service.draining && active_sets.contains(t->started_by) && !on_draining;
    if (protectable) m_protectable.insert(t->id);
    views.push_back({t->id, t->started_by, healthy, rank[t->id], protectable && t->protected_at(m_now), on_draining});
  }
  const auto decided = reconcile_task_sets(targets, views, service);
  stop(decided.stop);
  if (decided.held_by_protection > 0) {
    add_event_once(m_label + " was unable to scale in due to (reason: " + std::to_string(decided.held_by_protection) +
                   " tasks under protection).");
  }
  std::erase_if(m_s.task_sets, [&](const model::TaskSet& set) {
    return std::find(decided.drained.begin(), decided.drained.end(), set.id) != decided.drained.end();
  });
  for (const auto& [id, count] : decided.start) {
    const auto set = std::find_if(m_s.task_sets.begin(), m_s.task_sets.end(),
                                  [&](const model::TaskSet& s) { return s.id == id; });
    if (set == m_s.task_sets.end() || !may_launch()) continue;
    BERTH_TRY(start_tasks(set->family, set->revision, set->id, count, {}));
  }
  if (decided.steady && !m_s.task_sets.empty()) add_event_once(m_label + " has reached a steady state.");
  return {};
}

Result<void> ServicePass::daemon(const std::vector<const model::TaskState*>& tasks) {
  std::vector<place::Expression> constraints;
  for (const auto& c : m_s.placement_constraints) {
    if (c.type != "memberOf") continue;
    BERTH_ASSIGN(auto e, place::parse_expression(c.expression.value_or("")));
    constraints.push_back(std::move(e));
  }
  if (m_s.deployments.empty()) return {};
  const auto primary = m_s.deployments.front();
  const std::string group = "service:" + m_s.name;
  std::vector<std::pair<std::string, std::string>> stops;
  std::vector<std::string> need_task;
  int eligible_count = 0;
  for (const auto& instance : m_snapshot.instances) {
    const auto facts = facts_of(instance);
    const bool usable = instance.status == model::InstanceStatus::active && instance.agent_connected;
    const bool eligible = m_s.status == model::ServiceStatus::active && usable &&
                          std::all_of(constraints.begin(), constraints.end(),
                                      [&](const place::Expression& e) { return e.matches(facts); });
    eligible_count += eligible ? 1 : 0;
    bool has_current = false;
    for (const auto* t : tasks) {
      if (t->instance_id != instance.id) continue;
      if (!eligible) {
        stops.emplace_back(t->id, usable ? "instance no longer meets the service's constraints"
                                  : !instance.agent_connected ? "instance's agent is disconnected"
                                                              : "instance is draining");
      } else if (t->started_by != primary.id) {
        stops.emplace_back(t->id, "replaced by a newer deployment");  // daemons stop before they start
      } else if (has_current) {
        stops.emplace_back(t->id, "one daemon task per instance");
      } else {
        has_current = true;
      }
    }
    // Any task of the service still on the instance, a stopping one too (desired STOPPED while
    // its stopTimeout runs), keeps the next from starting: never two daemon tasks at once.
    const bool occupied = std::any_of(m_snapshot.tasks.begin(), m_snapshot.tasks.end(), [&](const model::TaskState& t) {
      return t.group == group && t.instance_id == instance.id && t.last_status != model::TaskStatus::stopped;
    });
    if (eligible && !occupied) need_task.push_back(instance.id);
  }
  m_s.desired_count = eligible_count;
  m_s.deployments.front().desired_count = eligible_count;
  stop(stops);
  if (!need_task.empty() && primary.rollout_state != "FAILED") {
    BERTH_TRY(start(static_cast<int>(need_task.size()), need_task));
  }
  return {};
}

void ServicePass::count_deployments(const std::vector<model::TaskState>& current, std::vector<std::string>& finished) {
  if (m_s.scheduling_strategy == "DAEMON") {
    for (std::size_t d = 1; d < m_s.deployments.size(); ++d) {
      const auto& id = m_s.deployments[d].id;
      if (std::none_of(current.begin(), current.end(), [&](const model::TaskState& t) { return t.started_by == id; })) {
        finished.push_back(id);
      }
    }
  }
  std::erase_if(m_s.deployments, [&](const model::Deployment& d) {
    return &d != &m_s.deployments.front() && std::find(finished.begin(), finished.end(), d.id) != finished.end();
  });
  for (auto& d : m_s.deployments) {
    int running = 0, pending = 0;
    for (const auto& t : current) {
      if (t.started_by == d.id) (t.last_status == model::TaskStatus::running ? running : pending) += 1;
    }
    if (d.running_count != running || d.pending_count != pending) {
      d.running_count = running;
      d.pending_count = pending;
      d.updated_at = m_now;
    }
  }
}

// Counts the PRIMARY deployment's tasks that failed to start and, past the threshold, marks the
// deployment FAILED and, with rollback, returns to the last deployment that completed.
void ServicePass::apply_circuit_breaker() {
  if (m_s.deployments.empty()) return;
  auto& primary = m_s.deployments.front();
  if (primary.rollout_state != "IN_PROGRESS") return;
  const int failed = failed_starts(m_snapshot, m_s, primary.id, 0);
  primary.failed_tasks = failed;
  if (!m_s.circuit_breaker || failed < failure_threshold(m_s.desired_count)) return;
  primary.rollout_state = "FAILED";
  primary.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
  primary.updated_at = m_now;
  add_event_once(m_label + " deployment " + primary.id + " deployment failed: tasks failed to start.");
  if (!m_s.rollback) return;
  const auto previous = std::find_if(m_s.deployments.begin() + 1, m_s.deployments.end(),
                                     [](const model::Deployment& d) { return d.rollout_state == "COMPLETED"; });
  if (previous == m_s.deployments.end()) return;
  model::Deployment rollback;
  rollback.id = new_deployment_id(m_rng);
  rollback.family = previous->family;
  rollback.revision = previous->revision;
  rollback.desired_count = m_s.desired_count;
  rollback.created_at = rollback.updated_at = m_now;
  rollback.rollback_of = primary.id;  // its service deployment follows the rollback (deployment_history)
  const std::string previous_id = previous->id;
  for (auto& d : m_s.deployments) d.status = "ACTIVE";
  m_s.deployments.insert(m_s.deployments.begin(), rollback);
  add_event_once(m_label + " rolling back to deployment " + previous_id + ".");
}

Result<Plan> ServicePass::run() {
  const auto tasks = live_tasks(m_snapshot, m_s.name);
  if (m_s.external) {
    BERTH_TRY(task_sets(tasks));
  } else if (m_s.scheduling_strategy == "DAEMON") {
    BERTH_TRY(daemon(tasks));
  } else {
    BERTH_TRY(replica(tasks));
  }
  // The tasks as they will be once the plan is committed: its stops gone, its starts PENDING.
  std::set<std::string> stopping;
  for (const auto& s : m_plan.stops) stopping.insert(s.task_id);
  std::vector<model::TaskState> current;
  for (const auto* t : tasks) {
    if (!stopping.contains(t->id)) current.push_back(*t);
  }
  for (const auto& start : m_plan.starts) {
    model::TaskState t;
    t.id = start.task_id;
    t.started_by = start.started_by;
    current.push_back(std::move(t));
  }
  count_deployments(current, m_finished);
  apply_circuit_breaker();
  if (!m_s.deployments.empty()) {
    auto& primary = m_s.deployments.front();
    const bool steady = m_s.deployments.size() == 1 && primary.running_count == m_s.desired_count &&
                        primary.pending_count == 0;
    if (steady && primary.rollout_state == "IN_PROGRESS") {
      primary.rollout_state = "COMPLETED";
      primary.rollout_state_reason = "ECS deployment " + primary.id + " completed.";
      primary.updated_at = m_now;
      add_event_once(m_label + " has reached a steady state.");
    }
  }
  if (m_s.status == model::ServiceStatus::draining && current.empty()) m_s.status = model::ServiceStatus::inactive;
  if (!m_s.same_schedule_as(m_before) || !m_events.empty()) m_plan.service = ServiceUpdate{m_s, m_events};
  return std::move(m_plan);
}

}  // namespace

std::vector<const model::TaskState*> live_tasks(const model::ClusterSnapshot& snapshot, const std::string& service) {
  const std::string group = "service:" + service;
  std::vector<const model::TaskState*> out;
  for (const auto& t : snapshot.tasks) {
    if (t.group == group && t.desired_status == model::TaskStatus::running && t.last_status != model::TaskStatus::stopped) out.push_back(&t);
  }
  return out;
}

Result<Plan> schedule_service(const model::ClusterSnapshot& snapshot, const model::ServiceState& service, EpochMs now,
                              const ServiceSchedulerSettings& settings, const ArnScope& arns, std::mt19937_64& rng,
                              const TaskIdSource& new_task_id) {
  return ServicePass(snapshot, service, now, settings, arns, rng, new_task_id).run();
}

}  // namespace berth::sched
