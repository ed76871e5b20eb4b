#include "model/task_metadata.hpp"

#include <catch2/catch.hpp>

#include "model/docker_stats.hpp"

namespace task_metadata_test {

using namespace berth;
using model::Json;

namespace {

// A running bridge task of "web:3" with one container on the bridge, as the store holds it.
model::Task make_task() {
  model::Task t;
  t.id = "0123456789abcdef0123456789abcdef";
  t.cluster = "default";
  t.family = "web";
  t.revision = 3;
  t.last_status = model::TaskStatus::running;
  t.group = "service:front";
  t.pull_started_at = 1'700'000'000'000;
  t.pull_stopped_at = 1'700'000'001'500;
  model::TaskContainer c;
  c.name = "app";
  c.id = "11111111-2222-3333-4444-555555555555";
  c.runtime_id = t.id + "-app";
  c.image = "busybox";
  c.image_digest = "sha256:abc";
  c.last_status = model::TaskStatus::running;
  c.started_at = 1'700'000'002'000;
  c.network_bindings = Json::parse(R"([{"bindIP":"0.0.0.0","containerPort":8080,"hostPort":32768,"protocol":"tcp"}])");
  c.network_interfaces = Json::parse(R"([{"attachmentId":"a","privateIpv4Address":"172.31.0.5"}])");
  t.containers.push_back(c);
  return t;
}

Json make_definition() {
  return Json::parse(R"({"family":"web","networkMode":"bridge","cpu":"512","memory":"256","containerDefinitions":[
    {"name":"app","image":"busybox","cpu":100,"memory":64,"dockerLabels":{"team":"edge","com.amazonaws.ecs.cluster":"fake"},
     "logConfiguration":{"logDriver":"json-file","options":{"max-size":"1m"}},
     "healthCheck":{"command":["CMD","true"]}}]})");
}

}  // namespace

TEST_CASE("task metadata: times are RFC 3339 UTC with milliseconds", "[model][metadata]") {
  CHECK(model::rfc3339_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(model::rfc3339_utc(1'601'597'707'620) == "2020-10-02T00:15:07.620Z");
  CHECK(model::rfc3339_utc(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("task metadata: the container's reply has the ECS agent's v4 members", "[model][metadata]") {
  const model::Task task = make_task();
  const Json td = make_definition();
  const ArnScope arns{"local", "000000000000"};
  const model::TaskMetadataSource source{task, td, arns, "local"};
  const Json c = model::container_metadata_json(source, task.containers[0]);
  CHECK(c["DockerId"] == task.containers[0].runtime_id);
  // Asked before the container's start is recorded (its first line may ask): its id all the same.
  model::Task unrecorded = task;
  unrecorded.containers[0].runtime_id.clear();
  const model::TaskMetadataSource early{unrecorded, td, arns, "local"};
  CHECK(model::container_metadata_json(early, unrecorded.containers[0])["DockerId"] == task.id + "-app");
  CHECK(c["Name"] == "app");
  CHECK(c["Image"] == "busybox");
  CHECK(c["ImageID"] == "sha256:abc");
  CHECK(c["DesiredStatus"] == "RUNNING");
  CHECK(c["KnownStatus"] == "RUNNING");
  CHECK(c["Limits"] == Json::parse(R"({"CPU":100.0,"Memory":64})"));
  CHECK(c["CreatedAt"] == "2023-11-14T22:13:22.000Z");
  CHECK(c["StartedAt"] == c["CreatedAt"]);
  CHECK_FALSE(c.contains("FinishedAt"));
  CHECK_FALSE(c.contains("ExitCode"));
  CHECK(c["Type"] == "NORMAL");
  CHECK(c["ContainerARN"] ==
        "arn:aws:ecs:local:000000000000:container/default/0123456789abcdef0123456789abcdef/11111111-2222-3333-4444-555555555555");
  CHECK(c["Ports"] == Json::parse(R"([{"ContainerPort":8080,"Protocol":"tcp","HostPort":32768,"HostIp":"0.0.0.0"}])"));
  CHECK(c["Networks"] == Json::parse(R"([{"NetworkMode":"bridge","IPv4Addresses":["172.31.0.5"]}])"));
  CHECK(c["LogDriver"] == "json-file");
  CHECK(c["LogOptions"] == Json::parse(R"({"max-size":"1m"})"));
  CHECK(c["Health"] == Json::parse(R"({"status":"UNKNOWN"})"));
  CHECK_FALSE(c.contains("RestartCount"));
  // The ECS agent's labels win over a dockerLabel of the same name.
  CHECK(c["Labels"]["team"] == "edge");
  CHECK(c["Labels"]["com.amazonaws.ecs.cluster"] == "default");
  CHECK(c["Labels"]["com.amazonaws.ecs.task-definition-version"] == "3");
}

TEST_CASE("task metadata: overrides, host networking, a stopped container, no limits", "[model][metadata]") {
  model::Task task = make_task();
  task.overrides = Json::parse(R"({"cpu":"1024","containerOverrides":[{"name":"app","memory":96}]})");
  task.containers[0].network_bindings = Json::array();
  task.containers[0].network_interfaces = Json::array();
  task.containers[0].last_status = model::TaskStatus::stopped;
  task.containers[0].exit_code = 3;
  task.containers[0].finished_at = 1'700'000'003'000;
  task.containers[0].restart_policy_enabled = true;
  task.containers[0].restarts = 2;
  Json td = make_definition();
  td["networkMode"] = "host";
  td.erase("memory");
  td["containerDefinitions"][0].erase("logConfiguration");
  td["containerDefinitions"][0].erase("healthCheck");
  td["containerDefinitions"][0].erase("cpu");
  const ArnScope arns{"local", "000000000000"};
  const model::TaskMetadataSource source{task, td, arns, "zone-a"};
  const Json c = model::container_metadata_json(source, task.containers[0]);
  CHECK(c["Limits"] == Json::parse(R"({"CPU":0.0,"Memory":96})"));
  CHECK(c["Networks"] == Json::parse(R"([{"NetworkMode":"host"}])"));
  CHECK(c["KnownStatus"] == "STOPPED");
  CHECK(c["ExitCode"] == 3);
  CHECK(c["FinishedAt"] == "2023-11-14T22:13:23.000Z");
  CHECK(c["RestartCount"] == 2);
  CHECK_FALSE(c.contains("Ports"));
  CHECK_FALSE(c.contains("LogDriver"));
  CHECK_FALSE(c.contains("Health"));
  const Json t = model::task_metadata_json(source);
  CHECK(t["Limits"] == Json::parse(R"({"CPU":1.0})"));  // the task's memory is unset: left out
  CHECK(t["AvailabilityZone"] == "zone-a");
}

TEST_CASE("task metadata: the task's reply has the ECS agent's v4 members", "[model][metadata]") {
  const model::Task task = make_task();
  const Json td = make_definition();
  const ArnScope arns{"local", "000000000000"};
  const model::TaskMetadataSource source{task, td, arns, "local"};
  const Json t = model::task_metadata_json(source);
  CHECK(t["Cluster"] == "arn:aws:ecs:local:000000000000:cluster/default");
  CHECK(t["TaskARN"] == "arn:aws:ecs:local:000000000000:task/default/0123456789abcdef0123456789abcdef");
  CHECK(t["Family"] == "web");
  CHECK(t["Revision"] == "3");
  CHECK(t["ServiceName"] == "front");
  CHECK(t["DesiredStatus"] == "RUNNING");
  CHECK(t["KnownStatus"] == "RUNNING");
  CHECK(t["Limits"] == Json::parse(R"({"CPU":0.5,"Memory":256})"));
  CHECK(t["PullStartedAt"] == "2023-11-14T22:13:20.000Z");
  CHECK(t["PullStoppedAt"] == "2023-11-14T22:13:21.500Z");
  CHECK_FALSE(t.contains("ExecutionStoppedAt"));
  CHECK(t["LaunchType"] == "EC2");
  REQUIRE(t["Containers"].size() == 1);
  CHECK(t["Containers"][0] == model::container_metadata_json(source, task.containers[0]));
  model::Task standalone = task;
  standalone.group = "family:web";
  CHECK_FALSE(model::task_metadata_json({standalone, td, arns, "local"}).contains("ServiceName"));
}

TEST_CASE("docker stats: readings in Docker's shape, previous reading as precpu", "[model][metadata]") {
  model::ContainerStats before;
  before.read_at = 1'700'000'000'000;
  before.cpu_usage_ns = 1'000;
  before.host_cpu_ns = 50'000;
  before.network = model::NetworkCounters{"eth0", 1'000, 10, 0, 0, 500, 5, 0, 0};
  model::ContainerStats now = before;
  now.read_at = before.read_at + 2'000;
  now.cpu_usage_ns = 3'000;
  now.cpu_user_ns = 2'000;
  now.cpu_system_ns = 1'000;
  now.host_cpu_ns = 90'000;
  now.online_cpus = 2;
  now.memory_usage_bytes = 10'000;
  now.memory_working_set_bytes = 7'000;
  now.memory_cache_bytes = 4'000;
  now.memory_max_usage_bytes = 12'000;
  now.memory_limit_bytes = 64ULL << 20;
  now.pids = 4;
  now.block_read_bytes = 100;
  now.block_write_bytes = 50;
  now.network->rx_bytes = 5'000;
  now.network->tx_bytes = 1'500;
  const Json s = model::docker_stats_json(now, before, "t-app", "t-app");
  CHECK(s["read"] == "2023-11-14T22:13:22.000Z");
  CHECK(s["preread"] == "2023-11-14T22:13:20.000Z");
  CHECK(s["name"] == "/t-app");
  CHECK(s["id"] == "t-app");
  CHECK(s["num_procs"] == 0);
  CHECK(s["pids_stats"]["current"] == 4);
  CHECK(s["cpu_stats"]["cpu_usage"] == Json::parse(R"({"total_usage":3000,"usage_in_kernelmode":1000,"usage_in_usermode":2000})"));
  CHECK(s["cpu_stats"]["system_cpu_usage"] == 90'000);
  CHECK(s["cpu_stats"]["online_cpus"] == 2);
  CHECK(s["precpu_stats"]["cpu_usage"]["total_usage"] == 1'000);
  CHECK(s["precpu_stats"]["system_cpu_usage"] == 50'000);
  CHECK(s["memory_stats"]["usage"] == 10'000);
  CHECK(s["memory_stats"]["max_usage"] == 12'000);
  CHECK(s["memory_stats"]["limit"] == 64ULL << 20);
  CHECK(s["memory_stats"]["stats"]["cache"] == 4'000);
  CHECK(s["memory_stats"]["stats"]["inactive_file"] == 3'000);  // usage − working set
  CHECK(s["blkio_stats"]["io_service_bytes_recursive"][0] == Json::parse(R"({"major":0,"minor":0,"op":"Read","value":100})"));
  CHECK(s["blkio_stats"]["io_service_bytes_recursive"][2]["value"] == 150);
  CHECK(s["networks"]["eth0"]["rx_bytes"] == 5'000);
  CHECK(s["networks"]["eth0"]["tx_packets"] == 5);
  CHECK(s["network_rate_stats"]["rx_bytes_per_sec"] == 2'000.0);
  CHECK(s["network_rate_stats"]["tx_bytes_per_sec"] == 500.0);
}

TEST_CASE("docker stats: a first reading, no network, no limit, a counter that went back", "[model][metadata]") {
  model::ContainerStats only;
  only.read_at = 1'700'000'000'000;
  only.memory_usage_bytes = 5;
  only.memory_working_set_bytes = 9;  // a working set above usage (racy reads): inactive_file stays 0
  const Json s = model::docker_stats_json(only, std::nullopt, "c", "c");
  CHECK(s["preread"] == "0001-01-01T00:00:00Z");
  CHECK(s["precpu_stats"]["cpu_usage"]["total_usage"] == 0);
  CHECK(s["precpu_stats"]["system_cpu_usage"] == 0);
  CHECK(s["memory_stats"]["limit"] == 9223372036854771712ULL);
  CHECK(s["memory_stats"]["stats"]["inactive_file"] == 0);
  CHECK_FALSE(s.contains("networks"));
  CHECK_FALSE(s.contains("network_rate_stats"));
  model::ContainerStats before = only;
  before.network = model::NetworkCounters{};
  before.network->rx_bytes = 900;
  model::ContainerStats after = before;
  after.read_at += 1'000;
  after.network->rx_bytes = 100;  // a new namespace counts from 0 again
  CHECK(model::docker_stats_json(after, before, "c", "c")["network_rate_stats"]["rx_bytes_per_sec"] == 0.0);
}

}  // namespace task_metadata_test
