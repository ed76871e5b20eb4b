#include <catch2/catch.hpp>

#include "agent/agent.hpp"
#include "agent/fake_runtime.hpp"
#include "cli/daemon.hpp"
#include "common/files.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace svc_instance_registrar_test {

using namespace berth;
using berth::testing::FakeRuntime;
using berth::testing::Json;
using berth::testing::ServiceFixture;
using berth::testing::TempDir;

namespace {

// The local agent as `berth serve` wires it: registered through svc by the daemon's registrar.
struct LocalAgent {
  FakeRuntime runtime;
  std::unique_ptr<runtime::ImageStore> images;
  cli::SvcInstanceRegistrar registrar;
  std::unique_ptr<agent::Agent> agent;

  LocalAgent(ServiceFixture& fixture, const TempDir& tmp, std::map<std::string, std::string> custom_attributes,
             bool cgroup_v2 = true, runtime::HostGpus gpus = {})
      : runtime(fixture.clock), registrar(*fixture.ctx) {
    runtime.unified_cgroups = cgroup_v2;
    auto opened = runtime::ImageStore::open(tmp.path + "/images", fixture.clock);
    REQUIRE(opened.has_value());
    images = std::move(*opened);
    agent::AgentConfig config;
    config.cluster = "default";
    config.data_dir = tmp.path + "/data";
    config.cpu_units = 2048;
    config.memory_mib = 1024;
    config.reserved_memory_mib = 24;
    config.reserved_ports = {22};
    config.custom_attributes = std::move(custom_attributes);
    config.gpus = std::move(gpus);
    REQUIRE(make_dirs(config.data_dir));
    agent = std::make_unique<agent::Agent>(*fixture.store, runtime, *images, fixture.clock, config,
                                            agent::AgentLinks{.registrar = registrar});
  }
};

model::ContainerInstance stored_instance(ServiceFixture& fixture, const std::string& id) {
  auto found = fixture.store->find_container_instance("default", id);
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  return **found;
}

std::optional<std::string> attribute(const model::ContainerInstance& instance, const std::string& name) {
  for (const auto& a : instance.body["attributes"]) {
    if (a["name"] == name) return a.value("value", "");
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "the local agent registers a new node through svc", "[cli]") {
  TempDir tmp;
  LocalAgent local(*this, tmp, {{"site", "plant-7"}});
  auto id = local.agent->register_instance();
  REQUIRE_OK(id);
  CHECK(read_file(tmp.path + "/data/instance-id").value_or("") == *id + "\n");

  const auto instance = stored_instance(*this, *id);
  CHECK(instance.status == model::InstanceStatus::active);
  CHECK(instance.registered_at == clock.now_ms());
  CHECK(attribute(instance, "site") == "plant-7");
  CHECK(attribute(instance, "ecs.os-type") == "linux");
  CHECK(attribute(instance, "ecs.capability.external") == "");
  CHECK(instance.body["registeredResources"][0]["integerValue"] == 2048);
  CHECK(instance.body["registeredResources"][1]["integerValue"] == 1000);  // less ECS_RESERVED_MEMORY
  CHECK(instance.body["registeredResources"][2]["stringSetValue"] == Json::array({"22"}));

  // DescribeContainerInstances shows it as any registered instance.
  auto described = berth::testing::ecs_call(*ctx, "DescribeContainerInstances", Json{{"containerInstances", {*id}}});
  REQUIRE_OK(described);
  REQUIRE((*described)["containerInstances"].size() == 1);
  CHECK((*described)["containerInstances"][0]["status"] == "ACTIVE");
}

TEST_CASE_METHOD(ServiceFixture, "after a restart the node re-registers under its id and keeps what operators set",
                 "[cli]") {
  TempDir tmp;
  std::string id;
  {
    LocalAgent first(*this, tmp, {{"site", "plant-7"}});
    auto registered = first.agent->register_instance();
    REQUIRE_OK(registered);
    id = *registered;
  }
  const EpochMs registered_at = clock.now_ms();
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "PutAttributes", Json::parse(R"({"attributes":[
      {"name":"owner","value":"ops","targetId":")" + id + R"("}]})")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateContainerInstancesState",
                                      Json{{"containerInstances", {id}}, {"status", "DRAINING"}}));
  clock.advance_ms(60'000);

  LocalAgent restarted(*this, tmp, {{"site", "plant-8"}, {"floor", "2"}});
  auto again = restarted.agent->register_instance();
  REQUIRE_OK(again);
  CHECK(*again == id);

  const auto instance = stored_instance(*this, id);
  CHECK(instance.status == model::InstanceStatus::draining);
  CHECK(instance.registered_at == registered_at);
  CHECK(attribute(instance, "owner") == "ops");
  CHECK(attribute(instance, "site") == "plant-7");  // custom attributes apply at the first registration only
  CHECK_FALSE(attribute(instance, "floor").has_value());
  CHECK(attribute(instance, "ecs.os-type") == "linux");
  auto listed = store->list_container_instances("default", std::nullopt, "", 10);
  REQUIRE_OK(listed);
  CHECK(listed->size() == 1);
}

TEST_CASE_METHOD(ServiceFixture, "the node registers its GPUs, and the swappiness capability only while on cgroup v1",
                 "[cli]") {
  TempDir tmp;
  std::string id;
  {
    LocalAgent v1(*this, tmp, {}, false, {{{"0", "/dev/nvidia0"}, {"1", "/dev/nvidia1"}}, {}});
    auto registered = v1.agent->register_instance();
    REQUIRE_OK(registered);
    id = *registered;
  }
  auto instance = stored_instance(*this, id);
  CHECK(attribute(instance, "berth.capability.memory-swappiness") == "");
  const Json resources = instance.body["registeredResources"];
  REQUIRE(resources.size() == 5);
  CHECK(resources[4] == Json::parse(R"({"name":"GPU","type":"STRINGSET","doubleValue":0.0,"longValue":0,
                                        "integerValue":0,"stringSetValue":["0","1"]})"));

  // The same node back on cgroup v2 without GPUs: the capability goes (berth owns berth.capability.*),
  // what operators put stays.
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "PutAttributes", Json::parse(R"({"attributes":[
      {"name":"owner","value":"ops","targetId":")" + id + R"("}]})")));
  LocalAgent v2(*this, tmp, {});
  REQUIRE_OK(v2.agent->register_instance());
  instance = stored_instance(*this, id);
  CHECK_FALSE(attribute(instance, "berth.capability.memory-swappiness").has_value());
  CHECK(attribute(instance, "owner") == "ops");
  CHECK(instance.body["registeredResources"].size() == 4);
}

}  // namespace svc_instance_registrar_test
