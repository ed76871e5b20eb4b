#include "agent/agent.hpp"

#include <catch2/catch.hpp>

namespace agent_config_test {

using namespace berth;

namespace {

Result<agent::AgentConfig> with_port_range(const std::string& range) {
  Config config;
  config.raw["ECS_DYNAMIC_HOST_PORT_RANGE"] = range;
  return agent::AgentConfig::from(config);
}

}  // namespace

TEST_CASE("the bridge network replaces a taken dynamic port from the agent's range, less its reserved ports", "[agent]") {
  Config config;
  config.raw["ECS_DYNAMIC_HOST_PORT_RANGE"] = "40000-40100";
  config.raw["ECS_RESERVED_PORTS"] = "[40050]";
  config.raw["ECS_RESERVED_PORTS_UDP"] = "[40060]";
  auto agent = agent::AgentConfig::from(config);
  REQUIRE(agent);
  CHECK(agent->network.dynamic_ports.range == std::pair{40000, 40100});
  CHECK(agent->network.dynamic_ports.reserved_tcp.contains(40050));
  CHECK(agent->network.dynamic_ports.reserved_tcp.contains(22));  // ECS's defaults stay reserved
  CHECK(agent->network.dynamic_ports.reserved_udp == std::set<int>{40060});
}

TEST_CASE("ECS_DYNAMIC_HOST_PORT_RANGE is parsed with checked numbers", "[agent]") {
  auto ok = with_port_range("49153-65535");
  REQUIRE(ok);
  CHECK(ok->dynamic_host_ports == std::pair{49153, 65535});
  auto kernel_form = with_port_range("32768\t60999\n");
  REQUIRE(kernel_form);
  CHECK(kernel_form->dynamic_host_ports == std::pair{32768, 60999});
  // A number too long for int was undefined behaviour through sscanf's %d.
  for (const char* bad : {"99999999999999999999-2", "1-99999999999999999999", "0-100", "200-100", "1-65536", "a-b",
                          "100", "100-", "-100", " 1-2x"}) {
    INFO(bad);
    CHECK_FALSE(with_port_range(bad));
  }
}

TEST_CASE("the local agent's BERTH_* settings come from Config", "[agent]") {
  Config config;
  REQUIRE(apply_config(config, {{"BERTH_CPU_UNITS", "2048"},
                                {"BERTH_MEMORY_MIB", "512"},
                                {"BERTH_INSTANCE_TYPE", "rpi4"},
                                {"BERTH_AVAILABILITY_ZONE", "hall-2"},
                                {"BERTH_CNI_PATH", "/opt/cni/bin"},
                                {"BERTH_BRIDGE_NAME", "br-tasks"},
                                {"BERTH_BRIDGE_SUBNET", "10.88.0.0/24"},
                                {"BERTH_INSECURE_REGISTRIES", "http://reg.local:5000/, mirror"},
                                {"BERTH_REGISTRY_CA_FILE", "/etc/ca.pem"},
                                {"BERTH_RESTART_ATTEMPT_PERIOD_SECONDS", "0"}})
              .has_value());
  const auto agent = agent::AgentConfig::from(config);
  REQUIRE(agent);
  CHECK(agent->cpu_units == 2048);
  CHECK(agent->memory_mib == 512);
  CHECK(agent->instance_type == "rpi4");
  CHECK(agent->availability_zone == "hall-2");
  CHECK(agent->network.plugin_dir == "/opt/cni/bin");
  CHECK(agent->network.bridge == "br-tasks");
  CHECK(agent->network.subnet == "10.88.0.0/24");
  CHECK(agent->insecure_registries == std::vector<std::string>{"reg.local:5000", "mirror"});
  CHECK(agent->registry_ca_file == "/etc/ca.pem");
  CHECK(agent->restart_attempt_period_s == 0);
  // Unset, the bridge network keeps its own defaults.
  const auto defaults = agent::AgentConfig::from(Config{});
  REQUIRE(defaults);
  CHECK(defaults->network.bridge == runtime::BridgeNetworkConfig{}.bridge);
  CHECK(defaults->network.plugin_dir == runtime::BridgeNetworkConfig{}.plugin_dir);
  CHECK_FALSE(defaults->restart_attempt_period_s.has_value());
}

TEST_CASE("the metadata endpoint's port comes from Config and is reserved", "[agent][metadata]") {
  Config config;
  auto defaults = agent::AgentConfig::from(config);
  REQUIRE(defaults);
  CHECK(defaults->metadata_port == 51679);
  CHECK(std::count(defaults->reserved_ports.begin(), defaults->reserved_ports.end(), 51679) == 1);
  config.metadata_port = 40123;
  auto moved = agent::AgentConfig::from(config);
  REQUIRE(moved);
  CHECK(moved->metadata_port == 40123);
  CHECK(std::count(moved->reserved_ports.begin(), moved->reserved_ports.end(), 40123) == 1);
  config.metadata_port = 0;
  auto off = agent::AgentConfig::from(config);
  REQUIRE(off);
  CHECK(off->reserved_ports == std::vector<int>{22, 2375, 2376, 51678, 51679});
}

}  // namespace agent_config_test
