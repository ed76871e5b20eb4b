#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

namespace register_node_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_id = "0123456789abcdef0123456789abcdef";

model::NodeRegistration gateway() {
  model::NodeRegistration node;
  node.cluster = "default";
  node.instance_id = k_id;
  node.cpu_units = 4096;
  node.memory_mib = 1900;
  node.reserved_ports = {22, 51678};
  node.reserved_udp_ports = {53};
  node.attributes = {{"ecs.os-type", "linux"}, {"ecs.capability.external", ""}};
  node.initial_attributes = {{"site", "plant-7"}, {"floor", "2"}};
  return node;
}

Json integer_resource(const char* name, long long value) {
  return {{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", value}};
}

Json ports_resource(const char* name, Json ports) {
  return {{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
          {"integerValue", 0}, {"stringSetValue", std::move(ports)}};
}

}  // namespace

TEST_CASE("registered_resources_of lists CPU, MEMORY, PORTS and PORTS_UDP as ECS does", "[model]") {
  const Json expected = Json::array({integer_resource("CPU", 4096), integer_resource("MEMORY", 1900),
                                     ports_resource("PORTS", {"22", "51678"}), ports_resource("PORTS_UDP", {"53"})});
  CHECK(model::registered_resources_of(gateway()) == expected);
  model::NodeRegistration bare;
  CHECK(model::registered_resources_of(bare)[2]["stringSetValue"] == Json::array());
}

TEST_CASE_METHOD(ServiceFixture, "register_node creates the node's instance under its own id", "[svc]") {
  auto registered = svc::register_node(*ctx, gateway());
  REQUIRE_OK(registered);
  CHECK(registered->id == k_id);
  CHECK(registered->status == model::InstanceStatus::active);
  CHECK(registered->registered_at == clock.now_ms());
  // By name: the built-in and the configuration's custom attributes; an empty value is none.
  CHECK(registered->body["attributes"] == Json::parse(R"([{"name":"ecs.capability.external"},
      {"name":"ecs.os-type","value":"linux"},{"name":"floor","value":"2"},{"name":"site","value":"plant-7"}])"));
  CHECK(registered->body["registeredResources"] == model::registered_resources_of(gateway()));
  CHECK(registered->body["versionInfo"] == Json{{"agentVersion", "berth"}, {"agentHash", ""}, {"dockerVersion", "runc"}});
  CHECK(registered->body["ec2InstanceId"] == "mi-" + k_id.substr(0, 17));

  auto stored = store->find_container_instance("default", k_id);
  REQUIRE_OK(stored);
  REQUIRE(stored->has_value());
  CHECK((*stored)->body == registered->body);
}

TEST_CASE_METHOD(ServiceFixture, "register_node again keeps status, registration time and operators' attributes",
                 "[svc]") {
  REQUIRE_OK(svc::register_node(*ctx, gateway()));
  const EpochMs first = clock.now_ms();
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "PutAttributes", Json::parse(R"({"attributes":[
      {"name":"aaa","value":"put","targetId":")" + k_id + R"("}]})")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeleteAttributes", Json::parse(R"({"attributes":[
      {"name":"floor","targetId":")" + k_id + R"("}]})")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateContainerInstancesState",
                                      Json{{"containerInstances", {k_id}}, {"status", "DRAINING"}}));
  clock.advance_ms(60000);

  auto node = gateway();
  node.memory_mib = 1500;
  node.attributes["ecs.os-type"] = "linux2";
  node.initial_attributes = {{"site", "plant-8"}, {"floor", "3"}};  // ignored: the instance is known
  auto again = svc::register_node(*ctx, node);
  REQUIRE_OK(again);
  CHECK(again->status == model::InstanceStatus::draining);
  CHECK(again->registered_at == first);
  CHECK(again->body["attributes"] == Json::parse(R"([{"name":"aaa","value":"put"},
      {"name":"ecs.capability.external"},{"name":"ecs.os-type","value":"linux2"},{"name":"site","value":"plant-7"}])"));
  CHECK(again->body["registeredResources"][1]["integerValue"] == 1500);
}

TEST_CASE_METHOD(ServiceFixture, "register_node into a cluster that is not there fails with ClusterNotFound",
                 "[svc]") {
  auto node = gateway();
  node.cluster = "nowhere";
  berth::testing::check_error(svc::register_node(*ctx, node), Code::cluster_not_found, "Cluster not found.");
  auto stored = store->find_container_instance("nowhere", k_id);
  REQUIRE_OK(stored);
  CHECK_FALSE(stored->has_value());
}

}  // namespace register_node_test
