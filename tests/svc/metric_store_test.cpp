#include "svc/metric_store.hpp"

#include <catch2/catch.hpp>

namespace berth::svc::metric_store_test {
namespace {

model::ContainerSample sample(std::string task, std::string name, std::uint64_t cpu_ns) {
  model::ContainerSample out;
  out.task_arn = std::move(task);
  out.container_name = std::move(name);
  out.runtime_id = out.task_arn + "-" + out.container_name;
  out.stats.cpu_usage_ns = cpu_ns;
  return out;
}

const MetricId k_cpu{"AWS/ECS", "CPUUtilization", {{"ClusterName", "default"}}};

}  // namespace

TEST_CASE("metric store: a container keeps its previous reading; one absent from a batch is forgotten") {
  MetricStore store;
  store.record_containers({sample("t1", "web", 100), sample("t2", "db", 5)});
  CHECK_FALSE(store.container("t1", "web")->previous.has_value());
  store.record_containers({sample("t1", "web", 300)});
  const auto web = store.container("t1", "web");
  REQUIRE(web.has_value());
  CHECK(web->latest.stats.cpu_usage_ns == 300);
  REQUIRE(web->previous.has_value());
  CHECK(web->previous->cpu_usage_ns == 100);
  CHECK_FALSE(store.container("t2", "db").has_value());
  CHECK(store.task_containers("t1").size() == 1);
  CHECK(store.containers().size() == 1);
}

TEST_CASE("metric store: statistics aggregate the slots of each period and leave out empty ones") {
  MetricStore store({.resolution_ms = 1000, .slots = 100, .max_series = 4});
  store.add(k_cpu, 10'000, 10, "Percent");
  store.add(k_cpu, 10'500, 30, "Percent");
  store.add(k_cpu, 11'000, 20, "Percent");
  store.add(k_cpu, 15'000, 50, "Percent");
  const auto points = store.statistics(k_cpu, 10'000, 16'000, 2000);
  REQUIRE(points.size() == 2);
  CHECK(points[0].timestamp == 10'000);
  CHECK(points[0].sample_count == 3);
  CHECK(points[0].sum == 60);
  CHECK(points[0].minimum == 10);
  CHECK(points[0].maximum == 30);
  CHECK(points[0].unit == "Percent");
  CHECK(points[1].timestamp == 14'000);
  CHECK(points[1].sum == 50);
  // The end is exclusive.
  CHECK(store.statistics(k_cpu, 10'000, 15'000, 1000).size() == 2);
  CHECK(store.statistics({"AWS/ECS", "Other", {}}, 0, 20'000, 1000).empty());
}

TEST_CASE("metric store: a ring keeps only its newest slots; a late value for a reused slot is dropped") {
  MetricStore store({.resolution_ms = 1000, .slots = 3, .max_series = 4});
  for (EpochMs at = 0; at < 5000; at += 1000) store.add(k_cpu, at, static_cast<double>(at / 1000), "Percent");
  const auto points = store.statistics(k_cpu, 0, 5000, 1000);
  REQUIRE(points.size() == 3);
  CHECK(points.front().timestamp == 2000);
  CHECK(points.back().sum == 4);
  store.add(k_cpu, 1000, 99, "Percent");  // its slot now holds 4000
  CHECK(store.statistics(k_cpu, 0, 5000, 1000).back().sum == 4);
}

TEST_CASE("metric store: series beyond the limit are dropped and counted; memory is series × slots") {
  MetricStore store({.resolution_ms = 1000, .slots = 10, .max_series = 2});
  store.add(k_cpu, 0, 1, "Percent");
  store.add({"AWS/ECS", "MemoryUtilization", {}}, 0, 1, "Percent");
  store.add({"AWS/ECS", "CPUReservation", {}}, 0, 1, "Percent");
  CHECK(store.metrics().size() == 2);
  CHECK(store.dropped_values() == 1);
  CHECK(store.series_bytes() == 2 * 10 * MetricStore::slot_bytes());
}

TEST_CASE("metric store: at the limit, a new series replaces one that aged out, or an AWS/ECS one a Container Insights one") {
  MetricStore store({.resolution_ms = 1000, .slots = 10, .max_series = 2});
  const MetricId insights{"ECS/ContainerInsights", "TaskCount", {}};
  const MetricId old_service{"AWS/ECS", "CPUUtilization", {{"ServiceName", "gone"}}};
  store.add(insights, 0, 1, "Count");
  store.add(old_service, 0, 1, "Percent");
  // At 5 s both still hold kept values: a Container Insights metric has nowhere to go...
  store.add({"ECS/ContainerInsights", "ServiceCount", {}}, 5000, 1, "Count");
  CHECK(store.dropped_values() == 1);
  // ... while an AWS/ECS metric (what scaling reads) takes the Container Insights series' place.
  store.add(k_cpu, 5000, 40, "Percent");
  CHECK(store.metrics() == std::vector<MetricId>{k_cpu, old_service});
  // At 12 s nothing of the gone service is kept: its series makes room for any new one.
  store.add(insights, 12'000, 3, "Count");
  CHECK(store.metrics() == std::vector<MetricId>{k_cpu, insights});
  CHECK(store.dropped_values() == 1);
  CHECK(store.statistics(k_cpu, 0, 20'000, 1000).front().sum == 40);
}

TEST_CASE("metric store: a far-off end costs no walk past the newest value") {
  MetricStore store({.resolution_ms = 1, .slots = 10, .max_series = 2});
  store.add(k_cpu, 5, 7, "Percent");
  const auto points = store.statistics(k_cpu, 0, 4'000'000'000'000'000'000LL, 1);
  REQUIRE(points.size() == 1);
  CHECK(points[0].sum == 7);
}

TEST_CASE("metric store: dimensions are keyed sorted by name") {
  const MetricId id = normalized({"AWS/ECS", "CPUUtilization", {{"ServiceName", "web"}, {"ClusterName", "c"}}});
  CHECK(id.dimensions.front().first == "ClusterName");
}

}  // namespace berth::svc::metric_store_test
