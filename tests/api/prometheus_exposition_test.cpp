#include "api/prometheus_exposition.hpp"

#include <catch2/catch.hpp>

namespace berth::api::prometheus_exposition_test {
namespace {

svc::ContainerReadings readings(std::string task_id, std::string container, std::string group) {
  svc::ContainerReadings out;
  model::ContainerSample& s = out.latest;
  s.cluster = "plant";
  s.task_arn = "arn:aws:ecs:local:000000000000:task/plant/" + task_id;
  s.task_definition_arn = "arn:aws:ecs:local:000000000000:task-definition/web:3";
  s.group = std::move(group);
  s.container_name = std::move(container);
  s.stats.cpu_usage_ns = 1'500'000'000;
  s.stats.cpu_user_ns = 1'000'000'000;
  s.stats.cpu_system_ns = 500'000'000;
  s.stats.memory_usage_bytes = 4096;
  s.stats.memory_working_set_bytes = 2048;
  s.stats.pids = 2;
  return out;
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, std::string_view prefix) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.starts_with(prefix)) out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("prometheus exposition: an empty store shows only the store's own size", "[api][metrics]") {
  CHECK(prometheus_exposition({}) ==
        "# HELP berth_metric_store_containers Running containers whose readings the store holds.\n"
        "# TYPE berth_metric_store_containers gauge\n"
        "berth_metric_store_containers 0\n"
        "# HELP berth_metric_store_series_bytes Bytes the derived series' rings hold.\n"
        "# TYPE berth_metric_store_series_bytes gauge\n"
        "berth_metric_store_series_bytes 0\n"
        "# HELP berth_metric_store_dropped_values_total Derived values dropped because the store held its "
        "maximum number of series.\n"
        "# TYPE berth_metric_store_dropped_values_total counter\n"
        "berth_metric_store_dropped_values_total 0\n");
}

TEST_CASE("prometheus exposition: container families with HELP, TYPE and their labels", "[api][metrics]") {
  MetricsSnapshot snapshot;
  snapshot.containers.push_back(readings("0a", "web", "service:front"));
  snapshot.containers.push_back(readings("0b", "job", "family:batch"));
  snapshot.containers[0].latest.stats.memory_limit_bytes = 1 << 20;
  snapshot.containers[0].latest.stats.network = model::NetworkCounters{.interface = "eth0", .rx_bytes = 77};
  snapshot.series_bytes = 1024;
  const std::string text = prometheus_exposition(snapshot);

  CHECK(lines_starting(text, "berth_container_cpu_usage_seconds_total") ==
        std::vector<std::string>{
            R"(berth_container_cpu_usage_seconds_total{cluster="plant",service="front",task_definition_family="web",task="0a",container="web"} 1.5)",
            R"(berth_container_cpu_usage_seconds_total{cluster="plant",task_definition_family="web",task="0b",container="job"} 1.5)"});
  CHECK(lines_starting(text, "# TYPE berth_container_cpu_usage_seconds_total ") ==
        std::vector<std::string>{"# TYPE berth_container_cpu_usage_seconds_total counter"});
  CHECK(lines_starting(text, "# TYPE berth_container_memory_working_set_bytes ") ==
        std::vector<std::string>{"# TYPE berth_container_memory_working_set_bytes gauge"});
  CHECK(lines_starting(text, "berth_container_memory_usage_bytes{").size() == 2);
  CHECK(lines_starting(text, "berth_container_cpu_system_seconds_total{").at(1).ends_with(" 0.5"));
  // What a reading lacks is left out, not shown as 0: only the first container has a limit and a network.
  CHECK(lines_starting(text, "berth_container_memory_limit_bytes{").size() == 1);
  CHECK(lines_starting(text, "berth_container_memory_limit_bytes{").front().ends_with("} 1048576"));
  CHECK(lines_starting(text, "berth_container_network_receive_bytes_total{") ==
        std::vector<std::string>{
            R"(berth_container_network_receive_bytes_total{cluster="plant",service="front",task_definition_family="web",task="0a",container="web",interface="eth0"} 77)"});
  CHECK(lines_starting(text, "berth_container_memory_max_usage_bytes").empty());
  CHECK(lines_starting(text, "berth_metric_store_containers ") == std::vector<std::string>{"berth_metric_store_containers 2"});
  CHECK(lines_starting(text, "berth_metric_store_series_bytes ") ==
        std::vector<std::string>{"berth_metric_store_series_bytes 1024"});
  // Each family's HELP and TYPE come once, before its samples; container families in a fixed order.
  const auto cpu = text.find("# HELP berth_container_cpu_usage_seconds_total ");
  const auto memory = text.find("# HELP berth_container_memory_usage_bytes ");
  const auto first_sample = text.find("berth_container_cpu_usage_seconds_total{");
  CHECK(cpu < first_sample);
  CHECK(first_sample < memory);
  CHECK(lines_starting(text, "# HELP berth_container_cpu_usage_seconds_total").size() == 1);
  CHECK(text.ends_with("\n"));
}

TEST_CASE("prometheus exposition: label values and HELP texts are escaped", "[api][metrics]") {
  CHECK(escape_label_value(R"(a\b"c)" "\n" "d") == R"(a\\b\"c\nd)");
  CHECK(escape_label_value("plain é") == "plain é");
  MetricsSnapshot snapshot;
  snapshot.containers.push_back(readings("0a", "we\"b\\\n", ""));
  snapshot.derived.push_back({{"AWS/ECS", "CPUUtilization", {{"ClusterName", "pl\"ant\n"}}}, 5, "Percent"});
  const std::string text = prometheus_exposition(snapshot);
  CHECK(text.find(R"(container="we\"b\\\n"})") != std::string::npos);
  CHECK(text.find(R"(berth_ecs_cpu_utilization_percent{cluster="pl\"ant\n"} 5)") != std::string::npos);
  for (const auto& line : lines_starting(text, "")) CHECK_FALSE(line.empty());  // no raw line feed split a line
}

TEST_CASE("prometheus exposition: derived series as gauges, families by name, samples by labels", "[api][metrics]") {
  MetricsSnapshot snapshot;
  snapshot.derived = {
      {{"AWS/ECS", "MemoryUtilization", {{"ClusterName", "plant"}}}, 40.25, "Percent"},
      {{"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}, {"ServiceName", "web"}}}, 12.5, "Percent"},
      {{"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}}}, 7, "Percent"},
      {{"ECS/ContainerInsights", "RunningTaskCount", {{"ClusterName", "plant"}, {"TaskDefinitionFamily", "web"}}}, 3,
       "Count"},
  };
  const std::string text = prometheus_exposition(snapshot);
  CHECK(lines_starting(text, "berth_") ==
        std::vector<std::string>{
            R"(berth_container_insights_running_task_count{cluster="plant",task_definition_family="web"} 3)",
            R"(berth_ecs_cpu_utilization_percent{cluster="plant"} 7)",
            R"(berth_ecs_cpu_utilization_percent{cluster="plant",service="web"} 12.5)",
            R"(berth_ecs_memory_utilization_percent{cluster="plant"} 40.25)",
            "berth_metric_store_containers 0",
            "berth_metric_store_series_bytes 0",
            "berth_metric_store_dropped_values_total 0",
        });
  CHECK(lines_starting(text, "# TYPE berth_ecs_cpu_utilization_percent") ==
        std::vector<std::string>{"# TYPE berth_ecs_cpu_utilization_percent gauge"});
  CHECK(lines_starting(text, "# HELP berth_ecs_cpu_utilization_percent") ==
        std::vector<std::string>{
            "# HELP berth_ecs_cpu_utilization_percent Newest period's average of CloudWatch metric AWS/ECS "
            "CPUUtilization (Percent)."});
}

TEST_CASE("prometheus exposition: family and label names from CloudWatch's", "[api][metrics]") {
  CHECK(derived_family_name({"AWS/ECS", "CPUReservation", {}}, "Percent") == "berth_ecs_cpu_reservation_percent");
  CHECK(derived_family_name({"ECS/ContainerInsights", "MemoryUtilized", {}}, "Megabytes") ==
        "berth_container_insights_memory_utilized_megabytes");
  CHECK(derived_family_name({"ECS/ContainerInsights", "StorageReadBytes", {}}, "Bytes") ==
        "berth_container_insights_storage_read_bytes");
  CHECK(derived_family_name({"ECS/ContainerInsights", "NetworkRxBytes", {}}, "Bytes/Second") ==
        "berth_container_insights_network_rx_bytes_bytes_per_second");
  CHECK(derived_family_name({"Custom", "odd-name.v2", {}}, "None") == "berth_custom_odd_name_v2");
  CHECK(dimension_label("ClusterName") == "cluster");
  CHECK(dimension_label("ServiceName") == "service");
  CHECK(dimension_label("TaskDefinitionFamily") == "task_definition_family");
  CHECK(dimension_label("Name") == "name");
  CHECK(dimension_label("9lives") == "d_9lives");
  CHECK(dimension_label("__x") == "_x");
}

}  // namespace berth::api::prometheus_exposition_test
