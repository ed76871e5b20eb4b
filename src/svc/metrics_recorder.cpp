#include "svc/metrics_recorder.hpp"

#include <set>

#include "common/log.hpp"
#include "svc/derived_metrics.hpp"

namespace berth::svc {
namespace {

bool insights_enabled(const model::Cluster& cluster) {
  if (!cluster.settings.is_array()) return false;
  for (const auto& setting : cluster.settings) {
    // "enhanced" is "enabled" and more (per-task and per-container metrics berth does not add).
    if (setting.value("name", "") != "containerInsights") continue;
    const std::string value = setting.value("value", "");
    return value == "enabled" || value == "enhanced";
  }
  return false;
}

bool pending(model::TaskStatus status) {
  using model::TaskStatus;
  return status == TaskStatus::provisioning || status == TaskStatus::pending || status == TaskStatus::activating;
}

// What the store says of `name` now (one snapshot transaction), or nothing for a cluster gone.
Result<std::optional<ClusterFacts>> facts_of(Context& ctx, const std::string& name) {
  BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(name));
  if (!cluster || cluster->status != model::ClusterStatus::active) return std::optional<ClusterFacts>();
  BERTH_ASSIGN(auto snapshot, ctx.store.read_cluster_snapshot(name, store::SnapshotScope::services));
  ClusterFacts facts;
  facts.cluster = name;
  facts.container_insights = insights_enabled(*cluster);
  std::set<std::string> counted_instances;
  for (const auto& instance : snapshot.instances) {
    if (instance.status != model::InstanceStatus::active && instance.status != model::InstanceStatus::draining) continue;
    ++facts.instances;
    facts.registered_cpu += instance.capacity.cpu;
    facts.registered_memory += instance.capacity.memory;
    counted_instances.insert(instance.id);
  }
  std::map<std::string, ClusterFacts::Service*> services;
  for (const auto& service : snapshot.services) {
    if (service.status != model::ServiceStatus::active) continue;
    facts.services.push_back({service.name, service.desired_count, 0, 0});
  }
  for (auto& service : facts.services) services["service:" + service.name] = &service;
  for (const auto& task : snapshot.tasks) {
    const bool running = task.last_status == model::TaskStatus::running;
    const bool waiting = pending(task.last_status);
    if (running) ++facts.running_tasks;
    if (waiting) ++facts.pending_tasks;
    if (running && counted_instances.contains(task.instance_id)) {
      facts.reserved_cpu += task.cpu;
      facts.reserved_memory += task.memory;
    }
    if (const auto it = services.find(task.group); it != services.end()) {
      if (running) ++it->second->running;
      if (waiting) ++it->second->pending;
    }
  }
  return std::optional<ClusterFacts>(std::move(facts));
}

}  // namespace

void record_samples(Context& ctx, const std::vector<model::ContainerSample>& samples, EpochMs now) {
  if (!ctx.metrics) return;
  ctx.metrics->record_containers(samples);
  std::set<std::string> names;
  for (const auto& sample : samples) names.insert(sample.cluster);
  std::vector<ClusterFacts> clusters;
  for (const auto& name : names) {
    auto facts = facts_of(ctx, name);
    if (!facts) {
      // The readings stay recorded; only this batch's derived values of the cluster are lost.
      log_warn("metrics: cannot read cluster " + name + ": " + facts.error().message);
      continue;
    }
    if (*facts) clusters.push_back(std::move(**facts));
  }
  for (const MetricValue& metric : derive_metrics(ctx.metrics->containers(), clusters)) {
    ctx.metrics->add(metric.id, now, metric.value, metric.unit);
  }
}

}  // namespace berth::svc
