#include "agent/agent.hpp"

#include <catch2/catch.hpp>

using namespace berth;

namespace {

Result<agent::AgentConfig> with_port_range(const std::string& range) {
  Config config;
  config.raw["ECS_DYNAMIC_HOST_PORT_RANGE"] = range;
  return agent::AgentConfig::from(config);
}

}  // namespace

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
