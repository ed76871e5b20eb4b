#include "runtime/network/bridge_gateway.hpp"

#include <catch2/catch.hpp>

namespace bridge_gateway_test {

using berth::runtime::bridge_gateway_of;

TEST_CASE("bridge gateway: host-local's default, the subnet's first address", "[runtime][network]") {
  CHECK(bridge_gateway_of("172.31.0.0/16") == "172.31.0.1");
  CHECK(bridge_gateway_of("172.30.0.0/24") == "172.30.0.1");
  CHECK(bridge_gateway_of("10.1.2.77/24") == "10.1.2.1");  // host bits ignored
  CHECK(bridge_gateway_of("192.168.8.0/30") == "192.168.8.1");
  CHECK_FALSE(bridge_gateway_of("172.31.0.0"));
  CHECK_FALSE(bridge_gateway_of("172.31.0.0/7"));
  CHECK_FALSE(bridge_gateway_of("172.31.0.0/31"));
  CHECK_FALSE(bridge_gateway_of("172.31.0/16"));
  CHECK_FALSE(bridge_gateway_of("fd00::/64"));
  CHECK_FALSE(bridge_gateway_of("/16"));
}

}  // namespace bridge_gateway_test
