#include "agent/node_attributes.hpp"

#include <catch2/catch.hpp>

#include "common/platform.hpp"

namespace node_attributes_test {

using namespace berth;

TEST_CASE("node attributes: ECS's built-in ones, and memory-swappiness only on cgroup v1", "[agent]") {
  const auto v1 = agent::node_attributes({"gateway", "local", false, ""});
  CHECK(v1.at("ecs.os-type") == "linux");
  CHECK(v1.at("ecs.os-family") == "LINUX");
  CHECK(v1.at("ecs.cpu-architecture") == ecs_architecture());
  CHECK(v1.at("ecs.instance-type") == "gateway");
  CHECK(v1.at("ecs.availability-zone") == "local");
  CHECK(v1.at("ecs.capability.external").empty());
  CHECK(v1.at("berth.capability.memory-swappiness").empty());
  const auto v2 = agent::node_attributes({"t", "zone-b", true, ""});
  CHECK_FALSE(v2.contains("berth.capability.memory-swappiness"));
  CHECK(v2.at("ecs.availability-zone") == "zone-b");
  CHECK(v2.size() == v1.size() - 1);
  CHECK_FALSE(v1.contains("berth.instance-address"));
}

TEST_CASE("node attributes: the gateway's address, when known, for other gateways to reach its tasks at", "[agent]") {
  const auto with = agent::node_attributes({"gateway", "local", true, "192.168.7.20"});
  CHECK(with.at("berth.instance-address") == "192.168.7.20");
}

}  // namespace node_attributes_test
