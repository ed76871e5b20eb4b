#include "api/metrics_routes.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "model/container_usage.hpp"

namespace berth::api::metrics_routes_test {
namespace {

model::ContainerSample sample(std::string cluster, std::string task_id, std::string container, std::uint64_t cpu_ns,
                              std::uint64_t host_ns) {
  model::ContainerSample s;
  s.cluster = cluster;
  s.task_arn = "arn:aws:ecs:local:000000000000:task/" + cluster + "/" + task_id;
  s.container_name = std::move(container);
  s.runtime_id = task_id + "-" + s.container_name;
  s.stats.cpu_usage_ns = cpu_ns;
  s.stats.host_cpu_ns = host_ns;
  s.stats.online_cpus = 2;
  return s;
}

struct MetricsFixture : testing::ServiceFixture {
  svc::MetricStore metrics{{.resolution_ms = 60'000, .slots = 60, .max_series = 8}};
  auth::KeyRing keys{*ctx};
  RequestAuth auth{keys, clock, {TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"}};
  ApiServices api{*ctx, auth};
  HttpPeer root{HttpPeer::Transport::unix_socket, "", false, PeerCredentials{1, 0, 0, {}}};

  MetricsFixture() { ctx->metrics = &metrics; }

  HttpResponse get(std::string target) {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    return route_request(api, request, root);
  }
  std::vector<model::ContainerUsage> stats(std::string target) {
    const auto response = get(std::move(target));
    REQUIRE(response.status == 200);
    auto usages = model::container_usages_from_json(response.body);
    REQUIRE(usages.has_value());
    return *usages;
  }
};

}  // namespace

TEST_CASE_METHOD(MetricsFixture, "metrics routes: GET /v1/stats, CPU % from the two readings, filters",
                 "[api][metrics]") {
  CHECK(stats("/v1/stats").empty());
  metrics.record_containers({sample("default", "aa", "web", 0, 0), sample("plant", "bb", "db", 0, 0)});
  metrics.record_containers({sample("default", "aa", "web", 1'000'000'000, 4'000'000'000),
                             sample("plant", "bb", "db", 0, 4'000'000'000)});
  const auto all = stats("/v1/stats");
  REQUIRE(all.size() == 2);
  CHECK(all[0].container_name == "web");
  CHECK(all[0].cpu_percent.value() == Approx(50.0));  // 1 s of 4 s host time on 2 CPUs
  CHECK(all[1].cpu_percent.value() == Approx(0.0));
  CHECK(stats("/v1/stats?task=aa").size() == 1);
  CHECK(stats("/v1/stats?task=arn%3Aaws%3Aecs%3Alocal%3A000000000000%3Atask%2Fplant%2Fbb").at(0).container_name == "db");
  CHECK(stats("/v1/stats?task=zz").empty());
  CHECK(stats("/v1/stats?cluster=plant").at(0).container_name == "db");
  CHECK(stats("/v1/stats?cluster=arn%3Aaws%3Aecs%3Alocal%3A000000000000%3Acluster%2Fdefault").at(0).container_name ==
        "web");
  const auto bad = get("/v1/stats?cluster=arn%3Aaws%3Aecs%3Aelsewhere%3A1%3Acluster%2Fx");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("InvalidParameterException") != std::string::npos);
  ctx->metrics = nullptr;
  CHECK(stats("/v1/stats").empty());
}

TEST_CASE_METHOD(MetricsFixture, "metrics routes: GET /metrics shows the store's containers and current derived values",
                 "[api][metrics]") {
  metrics.record_containers({sample("default", "aa", "web", 2'000'000'000, 0)});
  const svc::MetricId cpu{"AWS/ECS", "CPUUtilization", {{"ClusterName", "default"}}};
  const svc::MetricId old{"AWS/ECS", "MemoryUtilization", {{"ClusterName", "default"}}};
  const EpochMs now = clock.now_ms();
  metrics.add(cpu, now - 1000, 10, "Percent");
  metrics.add(cpu, now, 30, "Percent");
  metrics.add(old, now - 10 * 60'000, 50, "Percent");  // older than a current value may be
  const auto response = get("/metrics");
  CHECK(response.status == 200);
  CHECK(response.content_type == k_prometheus_content_type);
  CHECK(response.body.find(
            R"(berth_container_cpu_usage_seconds_total{cluster="default",task_definition_family="",task="aa",container="web"} 2)") !=
        std::string::npos);
  CHECK(response.body.find("berth_ecs_cpu_utilization_percent{cluster=\"default\"} 20\n") != std::string::npos);
  CHECK(response.body.find("berth_ecs_memory_utilization") == std::string::npos);

  const auto snapshot = metrics_snapshot(&metrics, now);
  REQUIRE(snapshot.derived.size() == 1);
  CHECK(snapshot.derived[0].unit == "Percent");
  CHECK(snapshot.series_bytes == metrics.series_bytes());
  CHECK(metrics_snapshot(nullptr, now).containers.empty());
}

}  // namespace berth::api::metrics_routes_test
