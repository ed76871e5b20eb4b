#include "svc/derived_metrics.hpp"

#include <catch2/catch.hpp>

namespace berth::svc::derived_metrics_test {
namespace {

// A container of task `task` read at 10 s and 20 s (once, with `previous_cpu_ns` = nullopt).
ContainerReadings reading(std::string task, std::string group, std::optional<std::uint64_t> previous_cpu_ns,
                          std::uint64_t cpu_ns) {
  ContainerReadings r;
  auto& s = r.latest;
  s.cluster = "plant";
  s.task_arn = std::move(task);
  s.group = std::move(group);
  s.task_definition_arn = "arn:aws:ecs:local:000000000000:task-definition/burner:3";
  s.container_name = "main";
  s.stats.read_at = 20'000;
  s.stats.cpu_usage_ns = cpu_ns;
  s.stats.memory_working_set_bytes = 64ull << 20;
  s.stats.block_read_bytes = 1000;
  if (previous_cpu_ns) {
    model::ContainerStats before;
    before.read_at = 10'000;
    before.cpu_usage_ns = *previous_cpu_ns;
    r.previous = before;
  }
  return r;
}

ClusterFacts plant(bool insights) {
  ClusterFacts facts;
  facts.cluster = "plant";
  facts.container_insights = insights;
  facts.instances = 1;
  facts.registered_cpu = 4096;
  facts.registered_memory = 2048;
  facts.reserved_cpu = 1024;
  facts.reserved_memory = 512;
  facts.running_tasks = 2;
  facts.pending_tasks = 1;
  facts.services = {{"web", 3, 2, 1}};
  return facts;
}

std::optional<MetricValue> find(const std::vector<MetricValue>& values, std::string_view name_space,
                                std::string_view name, std::vector<std::pair<std::string, std::string>> dims) {
  const MetricId wanted = normalized({std::string(name_space), std::string(name), std::move(dims)});
  for (const auto& v : values) {
    if (v.id == wanted) return v;
  }
  return std::nullopt;
}

const std::vector<std::pair<std::string, std::string>> k_cluster{{"ClusterName", "plant"}};
const std::vector<std::pair<std::string, std::string>> k_service{{"ClusterName", "plant"}, {"ServiceName", "web"}};

}  // namespace

TEST_CASE("derived metrics: service CPU and memory utilization are used over reserved by its tasks") {
  // Task t1 (task-level cpu 512, memory 128) used half a core over 10 s: 512 units = 100 %.
  auto t1 = reading("t1", "service:web", 1'000'000'000, 6'000'000'000);
  t1.latest.task_cpu_units = 512;
  t1.latest.task_memory_mib = 128;
  // Task t2 reserves through its container (cpu 256, memoryReservation 128), used a quarter core.
  auto t2 = reading("t2", "service:web", 0, 2'500'000'000);
  t2.latest.container_cpu_units = 256;
  t2.latest.container_memory_reservation_mib = 128;
  const auto values = derive_metrics({t1, t2}, {plant(false)});

  const auto cpu = find(values, "AWS/ECS", "CPUUtilization", k_service);
  REQUIRE(cpu.has_value());
  CHECK(cpu->value == Approx((512.0 + 256.0) / (512.0 + 256.0) * 100.0));
  CHECK(cpu->unit == "Percent");
  const auto memory = find(values, "AWS/ECS", "MemoryUtilization", k_service);
  REQUIRE(memory.has_value());
  CHECK(memory->value == Approx(128.0 / 256.0 * 100.0));
  // The cluster's: used over what its instances registered.
  CHECK(find(values, "AWS/ECS", "CPUUtilization", k_cluster)->value == Approx(768.0 / 4096.0 * 100.0));
  CHECK(find(values, "AWS/ECS", "MemoryUtilization", k_cluster)->value == Approx(128.0 / 2048.0 * 100.0));
  CHECK(find(values, "AWS/ECS", "CPUReservation", k_cluster)->value == Approx(25.0));
  CHECK(find(values, "AWS/ECS", "MemoryReservation", k_cluster)->value == Approx(25.0));
  // Container Insights is off for this cluster.
  for (const auto& v : values) CHECK(v.id.name_space == "AWS/ECS");
}

TEST_CASE("derived metrics: a container read once has no CPU figure; tasks reserving nothing give no utilization") {
  auto once = reading("t1", "service:web", std::nullopt, 5'000'000'000);
  once.latest.task_cpu_units = 512;
  once.latest.task_memory_mib = 128;
  auto values = derive_metrics({once}, {plant(false)});
  CHECK_FALSE(find(values, "AWS/ECS", "CPUUtilization", k_service));
  CHECK_FALSE(find(values, "AWS/ECS", "CPUUtilization", k_cluster));
  CHECK(find(values, "AWS/ECS", "MemoryUtilization", k_service).has_value());

  const auto unreserved = reading("t2", "service:web", 0, 1'000'000'000);
  values = derive_metrics({unreserved}, {plant(false)});
  CHECK_FALSE(find(values, "AWS/ECS", "CPUUtilization", k_service));
  CHECK_FALSE(find(values, "AWS/ECS", "MemoryUtilization", k_service));
  CHECK(find(values, "AWS/ECS", "CPUUtilization", k_cluster)->value == Approx(102.4 / 4096.0 * 100.0));

  // A counter that went back (the container restarted) gives no figure either.
  auto restarted = reading("t3", "service:web", 9'000'000'000, 1'000);
  restarted.latest.task_cpu_units = 512;
  values = derive_metrics({restarted}, {plant(false)});
  CHECK_FALSE(find(values, "AWS/ECS", "CPUUtilization", k_service));
}

TEST_CASE("derived metrics: no instances registered, no cluster utilization or reservation; unknown clusters none") {
  auto t1 = reading("t1", "family:burner", 0, 1'000'000'000);
  t1.latest.task_cpu_units = 512;
  ClusterFacts empty;
  empty.cluster = "plant";
  CHECK(derive_metrics({t1}, {empty}).empty());
  CHECK(derive_metrics({t1}, {}).empty());
}

TEST_CASE("derived metrics: Container Insights per cluster, service and family when the cluster enabled it") {
  auto t1 = reading("t1", "service:web", 1'000'000'000, 6'000'000'000);
  t1.latest.task_cpu_units = 512;
  t1.latest.task_memory_mib = 128;
  t1.latest.stats.network = model::NetworkCounters{};
  t1.latest.stats.network->rx_bytes = 20'000;
  t1.latest.stats.network->tx_bytes = 5'000;
  t1.previous->network = model::NetworkCounters{};
  t1.previous->network->rx_bytes = 10'000;
  auto sidecar = t1;  // the same task's second container shares the namespace: counted once
  sidecar.latest.container_name = "sidecar";
  const auto values = derive_metrics({t1, sidecar}, {plant(true)});

  const std::vector<std::pair<std::string, std::string>> family{{"ClusterName", "plant"},
                                                               {"TaskDefinitionFamily", "burner"}};
  for (const auto& dims : {k_cluster, k_service, family}) {
    CHECK(find(values, "ECS/ContainerInsights", "CpuUtilized", dims)->value == Approx(1024.0));
    CHECK(find(values, "ECS/ContainerInsights", "CpuReserved", dims)->value == Approx(512.0));
    CHECK(find(values, "ECS/ContainerInsights", "MemoryUtilized", dims)->value == Approx(128.0));
    CHECK(find(values, "ECS/ContainerInsights", "MemoryReserved", dims)->unit == "Megabytes");
    CHECK(find(values, "ECS/ContainerInsights", "NetworkRxBytes", dims)->value == Approx(1000.0));
    CHECK(find(values, "ECS/ContainerInsights", "NetworkTxBytes", dims)->unit == "Bytes/Second");
    CHECK(find(values, "ECS/ContainerInsights", "StorageReadBytes", dims)->value == Approx(2000.0));
    CHECK(find(values, "ECS/ContainerInsights", "StorageWriteBytes", dims).has_value());
  }
  CHECK(find(values, "ECS/ContainerInsights", "ContainerInstanceCount", k_cluster)->value == 1);
  CHECK(find(values, "ECS/ContainerInsights", "ServiceCount", k_cluster)->value == 1);
  CHECK(find(values, "ECS/ContainerInsights", "TaskCount", k_cluster)->value == 2);
  CHECK(find(values, "ECS/ContainerInsights", "DesiredTaskCount", k_service)->value == 3);
  CHECK(find(values, "ECS/ContainerInsights", "RunningTaskCount", k_service)->value == 2);
  CHECK(find(values, "ECS/ContainerInsights", "PendingTaskCount", k_service)->unit == "Count");
  CHECK(find(values, "ECS/ContainerInsights", "PendingTaskCount", k_service)->value == 1);
}

}  // namespace berth::svc::derived_metrics_test
