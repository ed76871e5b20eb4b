#include "svc/elb_drain.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "svc/elb.hpp"
#include "svc/elb_live_targets.hpp"

namespace berth::svc {
namespace {

// The longest deregistration delay of the groups `service` registers into; nothing if it has none.
Result<std::optional<int>> delay_of(Context& ctx, const std::string& cluster, const std::string& name) {
  BERTH_ASSIGN(const auto service, ctx.store.find_service(cluster, name));
  if (!service) return std::optional<int>();
  const auto entries = service_load_balancers(service->attachments.load_balancers);
  if (entries.empty()) return std::optional<int>();
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  int delay = 0;
  for (const auto& e : entries) {
    if (const auto* tg = catalog.target_group(e.target_group_arn)) delay = std::max(delay, tg->deregistration_delay_seconds);
  }
  return std::optional<int>(delay);
}

}  // namespace

std::vector<sched::TaskStop> admit_stops(Context& ctx, const std::string& cluster, const std::string& service,
                                         std::vector<sched::TaskStop> stops) {
  if (stops.empty()) return stops;
  const auto delay = delay_of(ctx, cluster, service);
  if (!delay) {
    log_warn("load balancer deregistration of " + cluster + "/" + service + ": " + delay.error().message);
    return stops;
  }
  if (!*delay) return stops;
  const EpochMs now = ctx.clock.now_ms();
  std::vector<sched::TaskStop> admitted;
  bool started = false;
  for (auto& stop : stops) {
    const auto task = ctx.store.find_task(cluster, stop.task_id);
    if (!task || !*task || (*task)->last_status != model::TaskStatus::running) {
      admitted.push_back(std::move(stop));
      continue;
    }
    const auto until = ctx.elb->draining_until(stop.task_id);
    if (!until) {
      if (**delay == 0) {
        admitted.push_back(std::move(stop));
        continue;
      }
      ctx.elb->start_draining(stop.task_id, now + EpochMs{**delay} * 1000);
      started = true;
    } else if (now >= *until) {
      ctx.elb->forget_draining(stop.task_id);
      admitted.push_back(std::move(stop));
    }
  }
  if (started) ctx.elb->changed();  // its targets leave the data path now
  return admitted;
}

void admit_plan_stops(Context& ctx, const std::string& cluster, const model::ServiceState& before, sched::Plan& plan) {
  const size_t planned = plan.stops.size();
  plan.stops = admit_stops(ctx, cluster, before.name, std::move(plan.stops));
  if (plan.stops.size() == planned || !plan.service) return;
  auto& update = plan.service->state;
  if (update.status != model::ServiceStatus::inactive) return;
  update.status = model::ServiceStatus::draining;
  if (update.same_schedule_as(before) && plan.service->events.empty()) plan.service.reset();
}

}  // namespace berth::svc
