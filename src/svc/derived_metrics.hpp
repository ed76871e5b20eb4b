// The CloudWatch metrics berth derives from one batch of container readings, the ECS way:
// AWS/ECS CPUUtilization, MemoryUtilization (per cluster and per service), CPUReservation and
// MemoryReservation (per cluster), and ECS/ContainerInsights for clusters that enabled it. A pure
// function of the readings and what the store said about the clusters; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "svc/metric_store.hpp"

namespace berth::svc {

// One value of one metric, as MetricStore::add takes it.
struct MetricValue {
  MetricId id;
  double value = 0;
  std::string unit;  // CloudWatch's unit names: "Percent", "Count", "Megabytes", ...
};

// What the store holds about one cluster when a batch is recorded (read once per batch).
struct ClusterFacts {
  struct Service {
    std::string name;
    long long desired = 0;
    long long running = 0;  // its tasks whose last status is RUNNING
    long long pending = 0;  // ... PENDING (PROVISIONING and ACTIVATING included)
  };
  std::string cluster;
  bool container_insights = false;  // the containerInsights setting is "enabled"
  // Summed over the ACTIVE and DRAINING instances (the ones ECS counts): what they registered,
  // and what the RUNNING tasks on them reserve (CPU units, MiB).
  long long instances = 0;
  long long registered_cpu = 0;
  long long registered_memory = 0;
  long long reserved_cpu = 0;
  long long reserved_memory = 0;
  long long running_tasks = 0;
  long long pending_tasks = 0;
  std::vector<Service> services;  // ACTIVE ones
};

// The metrics of one batch. `readings` are every running container's latest reading and the one
// before (CPU and network rates need both: a container read once has no CPU figure yet); a
// cluster absent from `clusters` gets no metrics. Utilization is used ÷ reserved by the same
// tasks (tasks that reserve nothing are left out of both; a service whose tasks reserve nothing
// has none); the cluster's is used ÷ registered, as ECS documents it. Ordered by cluster, then as
// produced.
std::vector<MetricValue> derive_metrics(const std::vector<ContainerReadings>& readings,
                                        const std::vector<ClusterFacts>& clusters);

}  // namespace berth::svc
