#include "svc/service_scheduler.hpp"

#include <algorithm>
#include <map>

#include "common/heap_trim.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "model/capacity_provider_strategy.hpp"
#include "sched/service_rules.hpp"
#include "svc/elb_drain.hpp"
#include "svc/lost_instances.hpp"
#include "svc/plan_applier.hpp"
#include "svc/task_tags.hpp"

namespace berth::svc {

std::string new_deployment_id() {
  std::mt19937_64 rng(std::random_device{}());
  return sched::new_deployment_id(rng);
}

namespace {

// The capacity provider of each task `plan` starts for `service`: its capacityProviderStrategy
// (given, or the cluster's default it got when created), base then weight, over the tasks it keeps
// running with these, as ECS applies a service's strategy. None without a strategy.
Result<std::vector<std::string>> capacity_providers_of_starts(Context& ctx, const model::Service& service,
                                                              const sched::Plan& plan) {
  BERTH_ASSIGN(const auto strategy, model::read_capacity_provider_strategy(service.capacity_provider_strategy));
  if (strategy.empty()) return std::vector<std::string>{};
  BERTH_ASSIGN(const auto tasks, ctx.store.list_tasks(live_tasks_of(service)));
  std::map<std::string, int> running;
  for (const auto& t : tasks) {
    const bool stopping = std::any_of(plan.stops.begin(), plan.stops.end(),
                                      [&](const sched::TaskStop& stop) { return stop.task_id == t.id; });
    if (!stopping && !t.capacity_provider.empty()) ++running[t.capacity_provider];
  }
  return model::providers_for_tasks(strategy, static_cast<int>(plan.starts.size()), running);
}

// The longest a quiet scheduler goes without planning: a backstop for a change to the plans'
// inputs that neither writes nor wakes it. Passes at rest cost this often, not every tick.
constexpr EpochMs k_quiet_backstop_ms = 60'000;

}  // namespace

bool ServiceScheduler::pass() {
  // Another server leads the schedulers: this one plans nothing. A new term plans everything
  // afresh: what the quiet shortcut remembers was seen under another leader.
  bool new_term = false;
  if (!m_acting.begin(new_term)) return false;
  if (new_term) m_woken = true;
  Context& ctx = m_acting.ctx();
  const EpochMs now = ctx.clock.now_ms();
  if (now >= m_next_lost_sweep) {
    m_next_lost_sweep = now + lost_sweep_interval_ms(ctx);
    if (auto sweep = sweep_lost_instances(ctx); !sweep) log_error("lost instances: " + sweep.error().message);
  }
  // Read before the snapshots: a write after it moves the count, and the next tick plans again.
  const std::int64_t count = ctx.store.change_count();
  if (!m_woken.exchange(false) && m_quiet_count == count && now < m_quiet_until) return false;
  m_quiet_count.reset();
  Quiet quiet{true, now + k_quiet_backstop_ms};
  auto services = ctx.store.list_services(
      std::nullopt, {model::ServiceStatus::active, model::ServiceStatus::draining}, "", 100000);
  if (!services) {
    log_error("scheduler: " + services.error().message);
    return true;
  }
  // DAEMON services first: their tasks are placed before replicas take the room.
  std::stable_partition(services->begin(), services->end(),
                        [](const model::Service& s) { return s.scheduling_strategy == "DAEMON"; });
  std::map<std::string, std::vector<std::string>> by_cluster;
  for (const auto& s : *services) by_cluster[s.cluster].push_back(s.name);
  for (const auto& [cluster, names] : by_cluster) {
    std::optional<model::ClusterSnapshot> snapshot;
    for (const auto& name : names) {
      // One service whose records break an assumption must not keep the others from being served.
      try {
        if (auto ok = schedule(ctx, cluster, name, snapshot, quiet); !ok) {
          log_warn("scheduler: " + ok.error().message);
          quiet.quiet = false;
        }
      } catch (const std::exception& e) {
        log_error("scheduler: service " + cluster + "/" + name + ": internal error: " + e.what());
        snapshot.reset();
        quiet.quiet = false;
      }
    }
  }
  if (quiet.quiet) {
    m_quiet_count = count;
    m_quiet_until = quiet.until;
  }
  // The snapshots read are freed: with 10,000 tasks they held tens of MiB that would otherwise
  // stay resident (1,000 joined instances: RSS 74 MiB where the live state is a fraction).
  if (!by_cluster.empty()) trim_heap();
  return true;
}

Result<void> ServiceScheduler::schedule(Context& ctx, const std::string& cluster, const std::string& name,
                                        std::optional<model::ClusterSnapshot>& snapshot, Quiet& quiet) {
  if (!snapshot) {
    BERTH_ASSIGN(snapshot, ctx.store.read_cluster_snapshot(cluster, store::SnapshotScope::services));
  }
  sched::ServiceSchedulerSettings settings;
  settings.settle_ms = m_settle_ms;
  settings.placement.dynamic_host_ports = ctx.dynamic_host_ports;
  PlanOptions options;
  const auto planner = [&](const model::ClusterSnapshot& current) -> Result<sched::Plan> {
    const auto service = std::find_if(current.services.begin(), current.services.end(),
                                      [&](const model::ServiceState& s) { return s.name == name; });
    if (service == current.services.end()) return sched::Plan{};  // deleted or finished meanwhile
    const EpochMs now = ctx.clock.now_ms();
    BERTH_ASSIGN(auto plan, sched::schedule_service(current, *service, now, settings, ctx.arns, m_rng,
                                                    [] { return random_hex(16); }));
    if (const auto due = sched::next_timed_decision(current, *service, now, settings.settle_ms)) {
      quiet.until = std::min(quiet.until, *due);
    }
    // Tasks behind a load balancer are deregistered and stopped after the delay.
    const std::size_t proposed = plan.stops.size();
    admit_plan_stops(ctx, cluster, *service, plan);
    // Stops held back are asked for again at each tick until their delay has passed.
    if (plan.stops.size() != proposed) quiet.quiet = false;
    // The service's enableExecuteCommand and capacity providers go onto the tasks it starts;
    // read only when it starts some (rare), since the snapshot does not carry them. apply_plan
    // reads `options` after this.
    if (!plan.starts.empty()) {
      BERTH_ASSIGN(const auto stored, ctx.store.find_service(cluster, name));
      options.enable_execute_command = stored && stored->enable_execute_command;
      options.capacity_providers.clear();
      if (stored) {
        BERTH_ASSIGN(options.capacity_providers, capacity_providers_of_starts(ctx, *stored, plan));
      }
    }
    return plan;
  };
  options.scope = store::SnapshotScope::services;
  options.pinning = DigestPinning::per_deployment;
  options.tags_of = [&](const model::TaskDefinition& definition) {
    return service_task_tags(ctx, cluster, name, definition);
  };
  auto applied = apply_plan(ctx, cluster, planner, options, &*snapshot);
  if (!applied || !applied->plan.empty()) {
    snapshot.reset();
    quiet.quiet = false;
  }
  if (!applied) return std::unexpected(applied.error());
  return {};
}

}  // namespace berth::svc
