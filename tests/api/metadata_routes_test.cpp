#include "api/metadata_routes.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "model/task_metadata.hpp"
#include "svc/metric_store.hpp"

namespace metadata_routes_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;

namespace {

api::auth::SecretKey key_of(std::uint8_t fill) {
  api::auth::SecretKey key;
  key.fill(fill);
  return key;
}

api::HttpRequest get(std::string target, std::string method = "GET") {
  api::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

const api::HttpPeer k_loopback{api::HttpPeer::Transport::tcp, "127.0.0.1", true, std::nullopt};

api::HttpPeer from(std::string address) { return {api::HttpPeer::Transport::tcp, std::move(address), false, std::nullopt}; }

// Two running tasks on this node: "bridge-job" (its container "main" at 172.31.0.5) and
// "host-job", each with one container, as the agent records them.
struct MetadataFixture : berth::testing::ServiceFixture {
  api::MetadataTokens tokens{key_of(7)};
  api::MetadataServices services{*ctx, tokens, "default", "zone-a"};
  model::Task bridge_task;
  model::Task host_task;

  MetadataFixture() {
    Json instance{{"totalResources", {{{"name", "CPU"}, {"type", "INTEGER"}, {"integerValue", 1024}},
                                      {{"name", "MEMORY"}, {"type", "INTEGER"}, {"integerValue", 1024}}}}};
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", instance));
    bridge_task = start("bridge-job", "bridge", "172.31.0.5");
    host_task = start("host-job", "host", "");
  }

  model::Task start(const std::string& family, const std::string& mode, const std::string& address) {
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition",
                        Json{{"family", family}, {"networkMode", mode},
                             {"containerDefinitions", {{{"name", "main"}, {"image", "busybox"}, {"memory", 64}}}}}));
    auto ran = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", family}});
    REQUIRE_OK(ran);
    const std::string arn = (*ran)["tasks"][0]["taskArn"];
    auto found = store->find_task("default", arn.substr(arn.rfind('/') + 1));
    REQUIRE_OK(found);
    model::Task task = **found;
    task.last_status = model::TaskStatus::running;
    task.containers[0].last_status = model::TaskStatus::running;
    task.containers[0].runtime_id = task.id + "-main";
    if (!address.empty()) {
      task.containers[0].network_interfaces = Json::array({{{"attachmentId", "a"}, {"privateIpv4Address", address}}});
    }
    auto replaced = store->replace_task(task, task.version);
    REQUIRE_OK(replaced);
    REQUIRE(*replaced);
    ++task.version;
    return task;
  }

  std::string uri(const model::Task& task, const std::string& version = "v4") {
    return "/" + version + "/" + tokens.token_of(task.id, model::container_arn_of(ctx->arns, task, task.containers[0]));
  }

  api::HttpResponse route(const std::string& target, const api::HttpPeer& peer) {
    return api::route_metadata_request(services, get(target), peer);
  }
};

}  // namespace

TEST_CASE("metadata tokens: bound to the container and the key, of a fixed form", "[api][metadata]") {
  const api::MetadataTokens tokens(key_of(1));
  const std::string task_id = "0123456789abcdef0123456789abcdef";
  const std::string arn = "arn:aws:ecs:local:000000000000:container/default/" + task_id + "/c1";
  const std::string token = tokens.token_of(task_id, arn);
  CHECK(token.size() == 65);
  CHECK(token.starts_with(task_id + "-"));
  CHECK(token == tokens.token_of(task_id, arn));  // the same after a restart: nothing is stored
  CHECK(tokens.matches(token, task_id, arn));
  CHECK_FALSE(tokens.matches(token, task_id, arn + "x"));
  CHECK(tokens.token_of(task_id, arn + "x") != token);
  CHECK(api::MetadataTokens(key_of(2)).token_of(task_id, arn) != token);  // a new secrets key revokes
  CHECK(api::MetadataTokens::task_id_of(token) == task_id);
  CHECK_FALSE(api::MetadataTokens::task_id_of(""));
  CHECK_FALSE(api::MetadataTokens::task_id_of(task_id));
  CHECK_FALSE(api::MetadataTokens::task_id_of(token + "0"));
  CHECK_FALSE(api::MetadataTokens::task_id_of(token.substr(0, 32) + "_" + token.substr(33)));
  std::string upper = token;
  upper[0] = 'A';
  CHECK_FALSE(api::MetadataTokens::task_id_of(upper));
  CHECK_FALSE(api::MetadataTokens::task_id_of("../../etc/passwd-0123456789abcdef0123456789abcdef00"));
}

TEST_CASE("metadata callers: the loopback for host tasks, the task's own address for bridge tasks",
          "[api][metadata]") {
  model::Task task;
  task.last_status = model::TaskStatus::running;
  model::TaskContainer c;
  c.network_interfaces = Json::array({{{"privateIpv4Address", "172.31.0.5"}}});
  task.containers.push_back(c);
  using model::NetworkMode;
  CHECK(api::metadata_caller_allowed(k_loopback, NetworkMode::host, task));
  CHECK_FALSE(api::metadata_caller_allowed(k_loopback, NetworkMode::bridge, task));
  CHECK(api::metadata_caller_allowed(from("172.31.0.5"), NetworkMode::bridge, task));
  CHECK_FALSE(api::metadata_caller_allowed(from("172.31.0.6"), NetworkMode::bridge, task));
  CHECK_FALSE(api::metadata_caller_allowed(from("172.31.0.1"), NetworkMode::host, task));  // the gateway itself
  CHECK_FALSE(api::metadata_caller_allowed(from("172.31.0.5"), NetworkMode::none, task));
  CHECK_FALSE(api::metadata_caller_allowed(from(""), NetworkMode::bridge, task));
  const api::HttpPeer socket{api::HttpPeer::Transport::unix_socket, "", false, std::nullopt};
  CHECK_FALSE(api::metadata_caller_allowed(socket, NetworkMode::host, task));
  task.last_status = model::TaskStatus::stopped;  // its address may be another task's by now
  CHECK_FALSE(api::metadata_caller_allowed(from("172.31.0.5"), NetworkMode::bridge, task));
}

TEST_CASE_METHOD(MetadataFixture, "metadata routes: a task reads its own container and task metadata",
                 "[api][metadata]") {
  const std::string task_arn = ctx->arns.task("default", bridge_task.id);
  for (const std::string version : {"v4", "v3"}) {
    const auto container = route(uri(bridge_task, version), from("172.31.0.5"));
    REQUIRE(container.status == 200);
    CHECK(container.content_type == "application/json");
    const Json c = Json::parse(container.body);
    CHECK(c["Name"] == "main");
    CHECK(c["DockerId"] == bridge_task.id + "-main");
    CHECK(c["Networks"] == Json::parse(R"([{"NetworkMode":"bridge","IPv4Addresses":["172.31.0.5"]}])"));
    CHECK(route(uri(bridge_task, version) + "/", from("172.31.0.5")).body == container.body);
    const auto task = route(uri(bridge_task, version) + "/task", from("172.31.0.5"));
    REQUIRE(task.status == 200);
    const Json t = Json::parse(task.body);
    CHECK(t["TaskARN"] == task_arn);
    CHECK(t["AvailabilityZone"] == "zone-a");
    CHECK(t["Containers"][0] == c);
  }
  const auto host = route(uri(host_task) + "/task/", k_loopback);
  REQUIRE(host.status == 200);
  CHECK(Json::parse(host.body)["Family"] == "host-job");
}

TEST_CASE_METHOD(MetadataFixture, "metadata routes: refusals answer as an unknown token does", "[api][metadata]") {
  const auto unknown = route("/v4/nonsense/task", k_loopback);
  CHECK(unknown.status == 404);
  CHECK(Json::parse(unknown.body) ==
        "V4 task metadata handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: nonsense");
  CHECK(Json::parse(route("/v3/nonsense", k_loopback).body) ==
        "V3 container metadata handler: unable to get container ID from request: unable to get docker ID from v3 endpoint ID: nonsense");
  // Another task's token from a bridge container: refused, in the same words as an unknown one.
  std::string other = uri(bridge_task);
  const auto stolen = route(other + "/task", from("172.31.0.9"));
  CHECK(stolen.status == 404);
  CHECK(Json::parse(stolen.body).get<std::string>().ends_with(other.substr(4)));
  // A bridge task's token on the loopback, a host task's token from the bridge.
  CHECK(route(uri(bridge_task), k_loopback).status == 404);
  CHECK(route(uri(host_task), from("172.31.0.5")).status == 404);
  // A forged token (right task, wrong MAC), one of a task that is not there, a wrong cluster.
  std::string forged = uri(bridge_task);
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK(route(forged, from("172.31.0.5")).status == 404);
  const std::string absent = "/v4/ffffffffffffffffffffffffffffffff-" + std::string(32, '0');
  CHECK(route(absent, k_loopback).status == 404);
  api::MetadataServices elsewhere{*ctx, tokens, "other", "zone-a"};
  CHECK(api::route_metadata_request(elsewhere, get(uri(host_task)), k_loopback).status == 404);
  // Paths and methods the endpoint does not serve; never the ECS API.
  CHECK(route(uri(host_task) + "/taskWithTags", k_loopback).status == 404);
  CHECK(route("/", k_loopback).status == 404);
  CHECK(route("/v2/metadata", k_loopback).status == 404);
  CHECK(api::route_metadata_request(services, get(uri(host_task), "POST"), k_loopback).status == 405);
  CHECK(api::route_metadata_request(services, get(uri(host_task), "HEAD"), k_loopback).status == 200);
}

TEST_CASE_METHOD(MetadataFixture, "metadata routes: stats before and after the sampler's readings", "[api][metadata]") {
  // Before any reading (no sampler at all here): the ECS agent's answers.
  const auto none = route(uri(bridge_task) + "/stats", from("172.31.0.5"));
  CHECK(none.status == 500);
  CHECK(Json::parse(none.body) == "Unable to get container stats for: " + bridge_task.id + "-main");
  const auto task_none = route(uri(bridge_task) + "/task/stats", from("172.31.0.5"));
  REQUIRE(task_none.status == 200);
  CHECK(Json::parse(task_none.body) == Json{{bridge_task.id + "-main", nullptr}});

  svc::MetricStore metrics;
  ctx->metrics = &metrics;
  model::ContainerSample sample;
  sample.task_arn = ctx->arns.task("default", bridge_task.id);
  sample.container_name = "main";
  sample.runtime_id = bridge_task.id + "-main";
  sample.stats.read_at = 1'700'000'000'000;
  sample.stats.cpu_usage_ns = 10;
  sample.stats.network = model::NetworkCounters{};
  metrics.record_containers({sample});
  sample.stats.read_at += 1'000;
  sample.stats.cpu_usage_ns = 30;
  sample.stats.network->rx_bytes = 2'000;
  metrics.record_containers({sample});

  const auto v4 = route(uri(bridge_task) + "/stats", from("172.31.0.5"));
  REQUIRE(v4.status == 200);
  const Json s = Json::parse(v4.body);
  CHECK(s["cpu_stats"]["cpu_usage"]["total_usage"] == 30);
  CHECK(s["precpu_stats"]["cpu_usage"]["total_usage"] == 10);
  CHECK(s["network_rate_stats"]["rx_bytes_per_sec"] == 2'000.0);
  CHECK(s["id"] == bridge_task.id + "-main");
  const Json v3 = Json::parse(route(uri(bridge_task, "v3") + "/stats", from("172.31.0.5")).body);
  CHECK_FALSE(v3.contains("network_rate_stats"));  // a v4 addition
  CHECK(v3["cpu_stats"] == s["cpu_stats"]);
  const Json by_id = Json::parse(route(uri(bridge_task) + "/task/stats", from("172.31.0.5")).body);
  CHECK(by_id[bridge_task.id + "-main"] == s);
  ctx->metrics = nullptr;
}

}  // namespace metadata_routes_test
