#include "svc/metrics_recorder.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"

namespace metrics_recorder_test {

using namespace berth;
using berth::testing::Json;

namespace {

model::ContainerSample burner(std::string cluster, EpochMs at, std::uint64_t cpu_ns) {
  model::ContainerSample s;
  s.cluster = std::move(cluster);
  s.task_arn = "arn:aws:ecs:local:000000000000:task/plant/0f";
  s.group = "service:web";
  s.task_definition_arn = "arn:aws:ecs:local:000000000000:task-definition/burner:1";
  s.container_name = "burn";
  s.runtime_id = "0f-burn";
  s.task_cpu_units = 512;
  s.task_memory_mib = 128;
  s.stats.read_at = at;
  s.stats.cpu_usage_ns = cpu_ns;
  s.stats.memory_working_set_bytes = 32ull << 20;
  return s;
}

std::optional<double> latest(const svc::MetricStore& metrics, svc::MetricId id, EpochMs now) {
  const auto points = metrics.statistics(svc::normalized(std::move(id)), now - 60'000, now + 1, 60'000);
  if (points.empty()) return std::nullopt;
  return points.back().maximum;
}

}  // namespace

TEST_CASE_METHOD(berth::testing::ServiceFixture, "record_samples: readings in, derived metrics from the store's facts",
                 "[svc][metrics]") {
  svc::MetricStore metrics({.resolution_ms = 1000, .slots = 120, .max_series = 64});
  ctx->metrics = &metrics;
  REQUIRE_OK(berth::testing::ecs_call(
      *ctx, "CreateCluster",
      Json{{"clusterName", "plant"}, {"settings", {{{"name", "containerInsights"}, {"value", "enabled"}}}}}));
  REQUIRE_OK(berth::testing::ecs_call(
      *ctx, "RegisterContainerInstance",
      Json{{"cluster", "plant"},
           {"totalResources", {{{"name", "CPU"}, {"type", "INTEGER"}, {"integerValue", 2048}},
                               {{"name", "MEMORY"}, {"type", "INTEGER"}, {"integerValue", 1024}}}}}));

  const EpochMs t0 = clock.now_ms();
  svc::record_samples(*ctx, {burner("plant", t0, 0)}, t0);
  const svc::MetricId service_cpu{"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}, {"ServiceName", "web"}}};
  CHECK_FALSE(latest(metrics, service_cpu, t0));  // one reading: no CPU figure yet
  CHECK(latest(metrics, {"AWS/ECS", "MemoryUtilization", {{"ClusterName", "plant"}}}, t0) == Approx(32.0 / 1024 * 100));

  clock.advance_ms(10'000);
  const EpochMs t1 = clock.now_ms();
  // Half a core for 10 s: 512 units, all of the task's 512.
  svc::record_samples(*ctx, {burner("plant", t1, 5'000'000'000)}, t1);
  CHECK(latest(metrics, service_cpu, t1) == Approx(100.0));
  CHECK(latest(metrics, {"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}}}, t1) == Approx(25.0));
  CHECK(latest(metrics, {"AWS/ECS", "CPUReservation", {{"ClusterName", "plant"}}}, t1) == Approx(0.0));
  CHECK(latest(metrics, {"ECS/ContainerInsights", "ContainerInstanceCount", {{"ClusterName", "plant"}}}, t1) == 1);
  CHECK(metrics.container("arn:aws:ecs:local:000000000000:task/plant/0f", "burn").has_value());

  // A cluster the store does not know: the reading is kept, nothing is derived.
  const auto series = metrics.metrics().size();
  svc::record_samples(*ctx, {burner("elsewhere", t1 + 1000, 6'000'000'000)}, t1 + 1000);
  CHECK(metrics.metrics().size() == series);
  CHECK(metrics.containers().size() == 1);

  ctx->metrics = nullptr;  // no metric store: nothing to do, nothing read
  svc::record_samples(*ctx, {burner("plant", t1, 0)}, t1);
}

}  // namespace metrics_recorder_test
