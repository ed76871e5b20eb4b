#include "svc/derived_metrics.hpp"

#include <map>
#include <optional>

namespace berth::svc {
namespace {

constexpr std::string_view k_ecs = "AWS/ECS";
constexpr std::string_view k_insights = "ECS/ContainerInsights";
constexpr std::string_view k_service_group = "service:";
constexpr double k_units_per_core = 1024.0;
constexpr double k_bytes_per_mib = 1024.0 * 1024.0;

// What one task used and reserved in this batch, summed over its containers.
struct TaskFigures {
  std::string service;  // "" unless its group is "service:NAME"
  std::string family;
  long long cpu_reserved = 0;     // CPU units
  long long memory_reserved = 0;  // MiB
  std::optional<double> cpu_used;  // CPU units; none until every container was read twice
  double memory_used = 0;          // MiB of working set
  double network_rx = 0;           // bytes per second (bridge tasks)
  double network_tx = 0;
  double storage_read = 0;         // bytes, cumulative
  double storage_write = 0;
  bool network_counted = false;    // the task's namespace is shared: its counters count once
};

// Sums of a set of tasks (a cluster, a service, a family).
struct Totals {
  long long tasks = 0;
  bool cpu_measured = false;  // a task has a CPU figure
  double cpu_used = 0;
  double cpu_reserved_measured = 0;  // reserved by the tasks with a CPU figure
  double cpu_used_reserving = 0;     // used by those of them that reserve CPU
  double cpu_reserved = 0;
  double memory_used = 0;
  double memory_used_reserving = 0;
  double memory_reserved = 0;
  double network_rx = 0;
  double network_tx = 0;
  double storage_read = 0;
  double storage_write = 0;

  void add(const TaskFigures& t) {
    ++tasks;
    if (t.cpu_used) {
      cpu_measured = true;
      cpu_used += *t.cpu_used;
      if (t.cpu_reserved > 0) {
        cpu_used_reserving += *t.cpu_used;
        cpu_reserved_measured += static_cast<double>(t.cpu_reserved);
      }
    }
    cpu_reserved += static_cast<double>(t.cpu_reserved);
    memory_used += t.memory_used;
    if (t.memory_reserved > 0) memory_used_reserving += t.memory_used;
    memory_reserved += static_cast<double>(t.memory_reserved);
    network_rx += t.network_rx;
    network_tx += t.network_tx;
    storage_read += t.storage_read;
    storage_write += t.storage_write;
  }
};

std::string family_of(const std::string& task_definition_arn) {
  const auto slash = task_definition_arn.rfind('/');
  const std::string tail = slash == std::string::npos ? task_definition_arn : task_definition_arn.substr(slash + 1);
  return tail.substr(0, tail.rfind(':'));
}

// CPU units one container used between its two readings; none without a usable earlier one (a
// counter that went back means the container restarted).
std::optional<double> cpu_units_used(const ContainerReadings& r) {
  if (!r.previous) return std::nullopt;
  const auto& now = r.latest.stats;
  const auto& before = *r.previous;
  if (now.read_at <= before.read_at || now.cpu_usage_ns < before.cpu_usage_ns) return std::nullopt;
  const double elapsed_ns = static_cast<double>(now.read_at - before.read_at) * 1e6;
  return static_cast<double>(now.cpu_usage_ns - before.cpu_usage_ns) / elapsed_ns * k_units_per_core;
}

void add_network(TaskFigures& task, const ContainerReadings& r) {
  if (task.network_counted || !r.previous || !r.latest.stats.network || !r.previous->network) return;
  const auto& now = *r.latest.stats.network;
  const auto& before = *r.previous->network;
  const EpochMs elapsed = r.latest.stats.read_at - r.previous->read_at;
  if (elapsed <= 0 || now.rx_bytes < before.rx_bytes || now.tx_bytes < before.tx_bytes) return;
  const double seconds = static_cast<double>(elapsed) / 1000.0;
  task.network_rx = static_cast<double>(now.rx_bytes - before.rx_bytes) / seconds;
  task.network_tx = static_cast<double>(now.tx_bytes - before.tx_bytes) / seconds;
  task.network_counted = true;
}

// The tasks of each cluster, by task ARN.
std::map<std::string, std::map<std::string, TaskFigures>> tasks_by_cluster(const std::vector<ContainerReadings>& readings) {
  std::map<std::string, std::map<std::string, TaskFigures>> out;
  std::map<std::string, bool> cpu_complete;  // by task: every container has a CPU figure
  for (const auto& r : readings) {
    const model::ContainerSample& s = r.latest;
    auto [it, first] = out[s.cluster].try_emplace(s.task_arn);
    TaskFigures& task = it->second;
    if (first) {
      if (s.group.starts_with(k_service_group)) task.service = s.group.substr(k_service_group.size());
      task.family = family_of(s.task_definition_arn);
      task.cpu_reserved = s.task_cpu_units;
      task.memory_reserved = s.task_memory_mib;
      cpu_complete[s.task_arn] = true;
      task.cpu_used = 0.0;
    }
    // Without a task-level reservation the task reserves what its containers do (a container's
    // hard limit, else its soft one).
    if (s.task_cpu_units <= 0) task.cpu_reserved += s.container_cpu_units;
    if (s.task_memory_mib <= 0) {
      task.memory_reserved += s.container_memory_mib > 0 ? s.container_memory_mib : s.container_memory_reservation_mib;
    }
    const auto used = cpu_units_used(r);
    if (used && cpu_complete[s.task_arn]) {
      *task.cpu_used += *used;
    } else {
      cpu_complete[s.task_arn] = false;
      task.cpu_used.reset();
    }
    task.memory_used += static_cast<double>(s.stats.memory_working_set_bytes) / k_bytes_per_mib;
    task.storage_read += static_cast<double>(s.stats.block_read_bytes);
    task.storage_write += static_cast<double>(s.stats.block_write_bytes);
    add_network(task, r);
  }
  return out;
}

using Dimensions = std::vector<std::pair<std::string, std::string>>;

class Emitter {
 public:
  explicit Emitter(std::vector<MetricValue>& out) : m_out(out) {}
  void emit(std::string_view name_space, std::string_view name, const Dimensions& dims, double value,
            std::string_view unit) {
    m_out.push_back({normalized(MetricId{std::string(name_space), std::string(name), dims}), value, std::string(unit)});
  }
  // used ÷ reserved in percent, when anything is reserved.
  void percent(std::string_view name, const Dimensions& dims, double used, double reserved) {
    if (reserved > 0) emit(k_ecs, name, dims, used / reserved * 100.0, "Percent");
  }
  // Container Insights' per-resource figures of a set of tasks.
  void insights(const Dimensions& dims, const Totals& t) {
    if (t.cpu_measured) emit(k_insights, "CpuUtilized", dims, t.cpu_used, "None");
    emit(k_insights, "CpuReserved", dims, t.cpu_reserved, "None");
    emit(k_insights, "MemoryUtilized", dims, t.memory_used, "Megabytes");
    emit(k_insights, "MemoryReserved", dims, t.memory_reserved, "Megabytes");
    emit(k_insights, "NetworkRxBytes", dims, t.network_rx, "Bytes/Second");
    emit(k_insights, "NetworkTxBytes", dims, t.network_tx, "Bytes/Second");
    emit(k_insights, "StorageReadBytes", dims, t.storage_read, "Bytes");
    emit(k_insights, "StorageWriteBytes", dims, t.storage_write, "Bytes");
  }

 private:
  std::vector<MetricValue>& m_out;
};

}  // namespace

std::vector<MetricValue> derive_metrics(const std::vector<ContainerReadings>& readings,
                                        const std::vector<ClusterFacts>& clusters) {
  std::vector<MetricValue> out;
  Emitter emitter(out);
  const auto tasks = tasks_by_cluster(readings);
  for (const ClusterFacts& facts : clusters) {
    const Dimensions cluster_dims{{"ClusterName", facts.cluster}};
    Totals cluster;
    std::map<std::string, Totals> services;
    std::map<std::string, Totals> families;
    if (const auto it = tasks.find(facts.cluster); it != tasks.end()) {
      for (const auto& [arn, task] : it->second) {
        cluster.add(task);
        if (!task.service.empty()) services[task.service].add(task);
        families[task.family].add(task);
      }
    }
    const auto registered_cpu = static_cast<double>(facts.registered_cpu);
    const auto registered_memory = static_cast<double>(facts.registered_memory);
    if (cluster.cpu_measured) emitter.percent("CPUUtilization", cluster_dims, cluster.cpu_used, registered_cpu);
    if (cluster.tasks > 0) emitter.percent("MemoryUtilization", cluster_dims, cluster.memory_used, registered_memory);
    emitter.percent("CPUReservation", cluster_dims, static_cast<double>(facts.reserved_cpu), registered_cpu);
    emitter.percent("MemoryReservation", cluster_dims, static_cast<double>(facts.reserved_memory), registered_memory);
    for (const auto& [name, t] : services) {
      const Dimensions dims{{"ClusterName", facts.cluster}, {"ServiceName", name}};
      emitter.percent("CPUUtilization", dims, t.cpu_used_reserving, t.cpu_reserved_measured);
      emitter.percent("MemoryUtilization", dims, t.memory_used_reserving, t.memory_reserved);
    }
    if (!facts.container_insights) continue;
    emitter.insights(cluster_dims, cluster);
    for (const auto& [name, t] : services) emitter.insights({{"ClusterName", facts.cluster}, {"ServiceName", name}}, t);
    for (const auto& [family, t] : families) {
      emitter.insights({{"ClusterName", facts.cluster}, {"TaskDefinitionFamily", family}}, t);
    }
    emitter.emit(k_insights, "ContainerInstanceCount", cluster_dims, static_cast<double>(facts.instances), "Count");
    emitter.emit(k_insights, "ServiceCount", cluster_dims, static_cast<double>(facts.services.size()), "Count");
    emitter.emit(k_insights, "TaskCount", cluster_dims, static_cast<double>(facts.running_tasks), "Count");
    for (const auto& service : facts.services) {
      const Dimensions dims{{"ClusterName", facts.cluster}, {"ServiceName", service.name}};
      emitter.emit(k_insights, "DesiredTaskCount", dims, static_cast<double>(service.desired), "Count");
      emitter.emit(k_insights, "RunningTaskCount", dims, static_cast<double>(service.running), "Count");
      emitter.emit(k_insights, "PendingTaskCount", dims, static_cast<double>(service.pending), "Count");
    }
  }
  return out;
}

}  // namespace berth::svc
