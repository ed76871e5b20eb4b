#include "cli/peer_plan.hpp"

#include <catch2/catch.hpp>

namespace peer_plan_test {

using namespace berth;
using namespace berth::cli;

namespace {

Config peers(std::vector<std::string> servers, std::string self) {
  Config config;
  config.peers = std::move(servers);
  config.peer_address = std::move(self);
  return config;
}

const std::vector<std::string> k_three{"10.0.0.1:9001", "10.0.0.2:9001", "10.0.0.3:9001"};

}  // namespace

TEST_CASE("peer plan: this server and the others; the first of BERTH_PEERS is the first server", "[cli][peers]") {
  auto first = plan_peers(peers(k_three, "10.0.0.1:9001"));
  REQUIRE(first);
  CHECK(first->first);
  CHECK(first->others == std::vector<std::string>{"10.0.0.2:9001", "10.0.0.3:9001"});
  auto third = plan_peers(peers(k_three, "10.0.0.3:9001"));
  REQUIRE(third);
  CHECK_FALSE(third->first);
  CHECK(third->self == "10.0.0.3:9001");
  CHECK(third->others == std::vector<std::string>{"10.0.0.1:9001", "10.0.0.2:9001"});
  // A new server not among BERTH_PEERS joins all of them.
  auto fourth = plan_peers(peers(k_three, "10.0.0.4:9001"));
  REQUIRE(fourth);
  CHECK_FALSE(fourth->first);
  CHECK(fourth->others == k_three);
}

TEST_CASE("peer plan: refused without BERTH_PEER_ADDRESS, or naming only this server", "[cli][peers]") {
  auto unnamed = plan_peers(peers(k_three, ""));
  REQUIRE_FALSE(unnamed);
  CHECK(unnamed.error().message.find("BERTH_PEER_ADDRESS") != std::string::npos);
  auto alone = plan_peers(peers({"10.0.0.1:9001"}, "10.0.0.1:9001"));
  REQUIRE_FALSE(alone);
  CHECK(alone.error().message.find("names no server but this one") != std::string::npos);
}

TEST_CASE("peer plan: the first server founds or restarts on its own; the others always join", "[cli][peers]") {
  const auto first = *plan_peers(peers(k_three, "10.0.0.1:9001"));
  const auto second = *plan_peers(peers(k_three, "10.0.0.2:9001"));
  // Nothing yet, nobody answering: the first server founds the cluster.
  CHECK(nodes_to_join(first, false, false).empty());
  // Its node kept: it restarts as a member, whoever answers.
  CHECK(nodes_to_join(first, true, false).empty());
  CHECK(nodes_to_join(first, true, true).empty());
  // Its data dir wiped while the others run a cluster: it joins theirs, never founds a second.
  CHECK(nodes_to_join(first, false, true) == first.others);
  // Another server joins through the others, new or restarted (joining is idempotent).
  CHECK(nodes_to_join(second, false, false) == second.others);
  CHECK(nodes_to_join(second, true, false) == second.others);
  CHECK(nodes_to_join(second, true, true) == second.others);
}

}  // namespace peer_plan_test
