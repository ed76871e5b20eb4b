#include "model/container_usage.hpp"

#include <catch2/catch.hpp>

namespace berth::model::container_usage_test {
namespace {

ContainerStats reading(std::uint64_t cpu_ns, std::uint64_t host_ns, unsigned cpus = 4) {
  ContainerStats stats;
  stats.cpu_usage_ns = cpu_ns;
  stats.host_cpu_ns = host_ns;
  stats.online_cpus = cpus;
  return stats;
}

}  // namespace

TEST_CASE("container usage: CPU % is Docker's: container delta over host delta times online CPUs", "[model][metrics]") {
  // Half of one core's time on a 4-CPU host: the host counted 4 s of CPU time, the container 0.5 s.
  CHECK(cpu_percent(reading(1'500'000'000, 14'000'000'000), reading(1'000'000'000, 10'000'000'000)).value() ==
        Approx(50.0));
  CHECK(cpu_percent(reading(5, 20, 2), reading(5, 10, 2)).value() == Approx(0.0));
  SECTION("no answer when the host counter stood still or the container's went back") {
    CHECK_FALSE(cpu_percent(reading(200, 10), reading(100, 10)).has_value());
    CHECK_FALSE(cpu_percent(reading(200, 5), reading(100, 10)).has_value());
    CHECK_FALSE(cpu_percent(reading(50, 20), reading(100, 10)).has_value());
  }
}

TEST_CASE("container usage: a sample's usage, and the ids in ARNs", "[model][metrics]") {
  ContainerSample sample;
  sample.cluster = "plant";
  sample.task_arn = "arn:aws:ecs:local:000000000000:task/plant/0f1e";
  sample.container_name = "web";
  sample.stats = reading(300, 2000, 1);
  sample.stats.memory_working_set_bytes = 1024;
  sample.stats.memory_limit_bytes = 4096;
  const auto first = usage_of(sample, std::nullopt);
  CHECK_FALSE(first.cpu_percent.has_value());
  CHECK_FALSE(first.network_rx_bytes.has_value());
  CHECK(first.memory_limit_bytes == 4096u);
  sample.stats.network = NetworkCounters{.rx_bytes = 10, .tx_bytes = 20};
  const auto second = usage_of(sample, reading(100, 1000, 1));
  CHECK(second.cpu_percent.value() == Approx(20.0));
  CHECK(second.network_rx_bytes == 10u);
  CHECK(second.network_tx_bytes == 20u);

  CHECK(task_id_of("arn:aws:ecs:local:000000000000:task/plant/0f1e") == "0f1e");
  CHECK(task_id_of("0f1e") == "0f1e");
  CHECK(family_of("arn:aws:ecs:local:000000000000:task-definition/web-app:12") == "web-app");
  CHECK(family_of("web-app:12").empty());
}

TEST_CASE("container usage: the stats reply reads back what was written; other shapes are refused", "[model][metrics]") {
  ContainerUsage full{.cluster = "plant",
                      .task_arn = "arn:aws:ecs:local:000000000000:task/plant/0f1e",
                      .group = "service:web",
                      .container_name = "web",
                      .read_at = 1'700'000'000'000,
                      .cpu_percent = 12.5,
                      .memory_usage_bytes = 1 << 20,
                      .memory_working_set_bytes = 1 << 19,
                      .memory_limit_bytes = 1 << 26,
                      .pids = 3,
                      .network_rx_bytes = 100,
                      .network_tx_bytes = 200,
                      .block_read_bytes = 7,
                      .block_write_bytes = 8};
  ContainerUsage bare;
  bare.container_name = "sidecar";
  const std::string body = to_json({full, bare}).dump();
  const auto back = container_usages_from_json(body);
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 2);
  const ContainerUsage& f = (*back)[0];
  CHECK(f.cluster == "plant");
  CHECK(f.group == "service:web");
  CHECK(f.read_at == full.read_at);
  CHECK(f.cpu_percent.value() == Approx(12.5));
  CHECK(f.memory_working_set_bytes == full.memory_working_set_bytes);
  CHECK(f.memory_limit_bytes == full.memory_limit_bytes);
  CHECK(f.network_tx_bytes == 200u);
  CHECK(f.block_write_bytes == 8u);
  CHECK(f.pids == 3);
  const ContainerUsage& b = (*back)[1];
  CHECK(b.container_name == "sidecar");
  CHECK_FALSE(b.cpu_percent.has_value());
  CHECK_FALSE(b.memory_limit_bytes.has_value());
  CHECK_FALSE(b.network_rx_bytes.has_value());

  for (const char* bad : {"", "[]", "{}", R"({"containers":{}})", R"({"containers":[1]})",
                          R"({"containers":[{"pids":-1}]})", R"({"containers":[{"pids":"3"}]})",
                          R"({"containers":[{"cpuPercent":"high"}]})", R"({"containers":[{"taskArn":5}]})"}) {
    INFO(bad);
    CHECK_FALSE(container_usages_from_json(bad).has_value());
  }
}

}  // namespace berth::model::container_usage_test
