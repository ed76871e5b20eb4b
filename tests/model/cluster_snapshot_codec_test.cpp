#include "model/cluster_snapshot_codec.hpp"

#include <catch2/catch.hpp>

using namespace berth;
using model::Json;

TEST_CASE("capacity_of: registered PORTS that are not port numbers reserve nothing", "[model]") {
  model::ContainerInstance instance;
  instance.body["registeredResources"] = Json::parse(R"([
      {"name":"CPU","type":"INTEGER","integerValue":2048},
      {"name":"PORTS","type":"STRINGSET","stringSetValue":["22","99999999999","x","0","80","-1","2376 "]},
      {"name":"PORTS_UDP","type":"STRINGSET","stringSetValue":["161","65536"]}])");
  const auto c = model::capacity_of(instance);
  CHECK(c.cpu == 2048);
  CHECK(c.reserved_tcp == std::set<int>{22, 80});
  CHECK(c.reserved_udp == std::set<int>{161});
}
