#include "svc/service_changes.hpp"

#include "model/daemon.hpp"
#include "model/deployment_history.hpp"
#include "store/update_with_retry.hpp"
#include "svc/service_scheduler.hpp"

namespace berth::svc {

Result<ServiceKey> service_key_of(Context& ctx, const std::optional<std::string>& cluster, const std::string& service) {
  BERTH_ASSIGN(auto active_cluster, resolve_active_cluster(ctx, cluster));
  auto name = resource_id_of(ctx, active_cluster, "service", service);
  // A daemon's backing service is changed through the Daemon API only.
  if (!name || model::is_backing_service(*name)) return fail(Code::service_not_found, "Service not found.");
  return ServiceKey{std::move(active_cluster), std::move(*name)};
}

Result<model::Service> change_service(Context& ctx, const ServiceKey& key,
                                      const std::function<Result<void>(model::Service&)>& change,
                                      const store::ResourceTags& new_tags) {
  return store::update_with_retry(20, Code::server, "The service kept changing; try again.",
                                  [&]() -> Result<std::optional<model::Service>> {
    BERTH_ASSIGN(auto found, ctx.store.find_service(key.cluster, key.name));
    if (!found) return fail(Code::service_not_found, "Service not found.");
    model::Service s = *found;
    BERTH_TRY(change(s));
    model::follow_deployments(s, ctx.clock.now_ms());
    const long long version = s.version++;
    BERTH_ASSIGN(bool saved, ctx.store.replace_service(s, version, new_tags));
    if (!saved) return std::nullopt;
    ctx.tasks_changed();
    return s;
  });
}

Result<void> require_active(const model::Service& s) {
  if (s.status != model::ServiceStatus::active) return fail(Code::service_not_active, "Service was not ACTIVE.");
  return {};
}

Result<void> count_live_tasks(Context& ctx, model::Service& s) {
  // Counted by the store: DescribeServices of a service of 10,000 tasks read and decoded them all.
  const auto live = live_tasks_of(s);
  BERTH_ASSIGN(const auto counts, ctx.store.count_live_tasks(*live.cluster, *live.group));
  const auto count = [&](const std::string& started_by, int& running, int& pending) {
    const auto found = counts.find(started_by);
    running = found == counts.end() ? 0 : found->second.running;
    pending = found == counts.end() ? 0 : found->second.pending;
  };
  for (auto& d : s.deployments) count(d.id, d.running_count, d.pending_count);
  const EpochMs now = ctx.clock.now_ms();
  for (auto& set : s.task_sets) {
    count(set.id, set.running_count, set.pending_count);
    set.counted_at = now;
  }
  return {};
}

}  // namespace berth::svc
