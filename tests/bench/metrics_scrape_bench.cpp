// /metrics scrape benchmark: GET /metrics answered in-process through the API's router (auth,
// routing, the store's snapshot and the exposition text) with the readings of 50 running
// containers and the derived series of 10 services, against a light existing route in the same
// run: ECS ListClusters on the same router (one SQLite read).
#include <chrono>
#include <cstdio>

#include "api/auth/key_ring.hpp"
#include "api/http_routes.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"

using namespace berth;

namespace {

constexpr int k_containers = 50;
constexpr int k_services = 10;
constexpr int k_rounds = 2000;

model::ContainerSample sample(int i, std::uint64_t tick) {
  model::ContainerSample s;
  s.cluster = "default";
  s.task_arn = "arn:aws:ecs:local:000000000000:task/default/" + std::to_string(100000 + i / 2);
  s.group = "service:web-" + std::to_string(i % k_services);
  s.task_definition_arn = "arn:aws:ecs:local:000000000000:task-definition/web-" + std::to_string(i % k_services) + ":1";
  s.container_name = i % 2 == 0 ? "app" : "sidecar";
  s.runtime_id = s.task_arn.substr(s.task_arn.rfind('/') + 1) + "-" + s.container_name;
  model::ContainerStats& st = s.stats;
  st.read_at = static_cast<EpochMs>(tick * 10'000);
  st.cpu_usage_ns = tick * 1'000'000'000ull + static_cast<std::uint64_t>(i) * 7'000'000;
  st.cpu_user_ns = st.cpu_usage_ns / 2;
  st.cpu_system_ns = st.cpu_usage_ns / 4;
  st.host_cpu_ns = tick * 40'000'000'000ull;
  st.online_cpus = 4;
  st.memory_usage_bytes = 64ull << 20;
  st.memory_max_usage_bytes = 80ull << 20;
  st.memory_cache_bytes = 8ull << 20;
  st.memory_working_set_bytes = 48ull << 20;
  st.memory_limit_bytes = 128ull << 20;
  st.pids = 4;
  st.block_read_bytes = 1 << 20;
  st.block_write_bytes = 2 << 20;
  st.network = model::NetworkCounters{.interface = "eth0", .rx_bytes = tick * 1000, .rx_packets = tick * 10,
                                      .tx_bytes = tick * 2000, .tx_packets = tick * 20};
  return s;
}

double seconds_per_request(api::ApiServices& services, const api::HttpRequest& request, const api::HttpPeer& peer,
                           std::size_t& body_bytes) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < k_rounds; ++r) {
    const auto response = api::route_request(services, request, peer);
    if (response.status != 200) {
      std::fprintf(stderr, "%s %s answered %d: %s\n", request.method.c_str(), request.target.c_str(), response.status,
                   response.body.c_str());
      std::exit(1);
    }
    body_bytes = response.body.size();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / k_rounds;
}

}  // namespace

int main() {
  SystemClock clock;
  auto store = store::Store::open(":memory:");
  if (!store || !(*store)->ensure_cluster("default", clock.now_ms(), "000000000000")) return 1;
  svc::MetricStore metrics;
  svc::Context ctx(**store, clock, ArnScope{"local", "000000000000"}, "default");
  ctx.metrics = &metrics;
  for (std::uint64_t tick = 1; tick <= 2; ++tick) {
    std::vector<model::ContainerSample> samples;
    for (int i = 0; i < k_containers; ++i) samples.push_back(sample(i, tick));
    metrics.record_containers(samples);
  }
  const EpochMs now = clock.now_ms();
  for (const char* name : {"CPUUtilization", "MemoryUtilization"}) {
    metrics.add({"AWS/ECS", name, {{"ClusterName", "default"}}}, now, 42.5, "Percent");
    for (int s = 0; s < k_services; ++s) {
      metrics.add({"AWS/ECS", name, {{"ClusterName", "default"}, {"ServiceName", "web-" + std::to_string(s)}}}, now,
                  10.0 + s, "Percent");
    }
  }
  api::auth::KeyRing keys(ctx);
  api::RequestAuth auth(keys, clock, {api::TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"});
  api::ApiServices services{ctx, auth};
  const api::HttpPeer root{api::HttpPeer::Transport::unix_socket, "", false, api::PeerCredentials{1, 0, 0, {}}};

  api::HttpRequest scrape;
  scrape.method = "GET";
  scrape.target = "/metrics";
  api::HttpRequest list_clusters;
  list_clusters.method = "POST";
  list_clusters.target = "/";
  list_clusters.headers = {{"x-amz-target", "AmazonEC2ContainerServiceV20141113.ListClusters"}};
  list_clusters.body = "{}";

  std::size_t scrape_bytes = 0, baseline_bytes = 0;
  seconds_per_request(services, scrape, root, scrape_bytes);  // warm up
  const double baseline = seconds_per_request(services, list_clusters, root, baseline_bytes);
  const double scraped = seconds_per_request(services, scrape, root, scrape_bytes);
  std::printf("%-46s %10.1f us   | %-34s %10.1f us   | ratio %6.2f | budget <= 5 ms (%zu bytes)\n",
              "GET /metrics, 50 containers, 22 series", scraped * 1e6, "ECS ListClusters, same router", baseline * 1e6,
              scraped / baseline, scrape_bytes);
  return scraped <= 0.005 ? 0 : 1;
}
