#include "cli/advertised_endpoint.hpp"

#include <catch2/catch.hpp>

namespace advertised_endpoint_test {

using namespace berth::cli;

TEST_CASE("advertised endpoint: wildcard listen hosts", "[cli]") {
  CHECK(is_wildcard_host("0.0.0.0"));
  CHECK(is_wildcard_host("[::]"));
  for (const char* host : {"127.0.0.1", "10.0.0.5", "[::1]", "gateway.local", "", "0.0.0.1"}) {
    INFO(host);
    CHECK_FALSE(is_wildcard_host(host));
  }
}

TEST_CASE("advertised endpoint: the default route's interface from /proc/net/route", "[cli]") {
  const std::string header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT           \n";
  // Two default routes: the lower metric wins; a network route and a route that is down do not count.
  const std::string table = header +
                            "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0                                                                               \n"
                            "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                            "eth1\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                            "eth2\t00000000\t0100000A\t0002\t0\t0\t1\t00000000\t0\t0\t0\n";
  CHECK(default_route_interface(table) == "eth0");
  CHECK(default_route_interface(header + "eth1\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n") == std::nullopt);
  CHECK(default_route_interface(header) == std::nullopt);
  CHECK(default_route_interface("") == std::nullopt);
  CHECK(default_route_interface("eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n") == std::nullopt);  // no header
  CHECK(default_route_interface(header + "eth0\t00000000\t0100000A\tzz\t0\t0\t100\t00000000\t0\t0\t0\n") == std::nullopt);
  CHECK(default_route_interface(header + "eth0\t00000000\t0100000A\t0003\t0\t0\t-1\t00000000\t0\t0\t0\n") == std::nullopt);
}

TEST_CASE("advertised endpoint: the listen host as given, a wildcard replaced by an address", "[cli]") {
  CHECK(advertised_api_url("127.0.0.1:0", 51678, false) == "http://127.0.0.1:51678");
  CHECK(advertised_api_url("gateway.local:443", 443, true) == "https://gateway.local:443");
  CHECK(advertised_api_url("[::1]:8080", 8080, false) == "http://[::1]:8080");
  for (const char* wildcard : {"0.0.0.0:0", "[::]:0"}) {
    INFO(wildcard);
    const std::string url = advertised_api_url(wildcard, 4000, false);
    CHECK(url.starts_with("http://"));
    CHECK(url.ends_with(":4000"));
    CHECK(url.find("0.0.0.0") == std::string::npos);
    CHECK(url.find("[::]") == std::string::npos);
    CHECK(url.size() > std::string("http://:4000").size());
  }
}

}  // namespace advertised_endpoint_test
