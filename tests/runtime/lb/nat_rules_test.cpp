#include <catch2/catch.hpp>

#include "runtime/lb/nat_rules.hpp"

using namespace berth;

TEST_CASE("nat rules: each listener's endpoints share new connections evenly, marked for masquerade",
          "[runtime][elb]") {
  const std::vector<model::TcpForward> forwards = {
      {8080, {{"172.31.0.2", 80}, {"172.31.0.3", 80}, {"172.31.0.4", 80}}},
      {9000, {{"127.0.0.1", 40001}}},
      {9001, {}},
  };
  const std::string rules = runtime::lb::render_nat_rules(forwards);
  CHECK(rules ==
        "*nat\n"
        ":BERTH-LB - [0:0]\n"
        ":BERTH-LB-MASQ - [0:0]\n"
        "-A BERTH-LB -p tcp -m tcp --dport 8080 -m comment --comment \"berth listener 8080\" -j MARK --set-xmark 0x10000/0x10000\n"
        "-A BERTH-LB -p tcp -m tcp --dport 8080 -m comment --comment \"berth listener 8080\" -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 172.31.0.2:80\n"
        "-A BERTH-LB -p tcp -m tcp --dport 8080 -m comment --comment \"berth listener 8080\" -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 172.31.0.3:80\n"
        "-A BERTH-LB -p tcp -m tcp --dport 8080 -m comment --comment \"berth listener 8080\" -j DNAT --to-destination 172.31.0.4:80\n"
        "-A BERTH-LB -p tcp -m tcp --dport 9000 -m comment --comment \"berth listener 9000\" -j MARK --set-xmark 0x10000/0x10000\n"
        "-A BERTH-LB -p tcp -m tcp --dport 9000 -m comment --comment \"berth listener 9000\" -j DNAT --to-destination 127.0.0.1:40001\n"
        "-A BERTH-LB-MASQ -m mark --mark 0x10000/0x10000 -j MASQUERADE\n"
        "COMMIT\n");
}

TEST_CASE("nat rules: no listeners leaves the chains empty (a deleted load balancer leaves nothing)", "[runtime][elb]") {
  CHECK(runtime::lb::render_nat_rules({}) ==
        "*nat\n:BERTH-LB - [0:0]\n:BERTH-LB-MASQ - [0:0]\n"
        "-A BERTH-LB-MASQ -m mark --mark 0x10000/0x10000 -j MASQUERADE\nCOMMIT\n");
}

TEST_CASE("nat rules: a berth on another bridge has chains of its own", "[runtime][elb]") {
  CHECK(runtime::lb::nat_chains_for("berth0").nat == "BERTH-LB");
  const auto chains = runtime::lb::nat_chains_for("berth-lb0");
  CHECK(chains.nat == "BERTH-LB-berth-lb0");
  CHECK(chains.masquerade == "BERTH-LBM-berth-lb0");
  CHECK(runtime::lb::nat_chains_for("fifteen-chars-x").masquerade.size() <= 28);
  CHECK(runtime::lb::render_nat_rules({}, chains) ==
        "*nat\n:BERTH-LB-berth-lb0 - [0:0]\n:BERTH-LBM-berth-lb0 - [0:0]\n"
        "-A BERTH-LBM-berth-lb0 -m mark --mark 0x10000/0x10000 -j MASQUERADE\nCOMMIT\n");
}
