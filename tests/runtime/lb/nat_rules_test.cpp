#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#include "runtime/lb/nat_rules.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace nat_rules_test {

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

namespace {

// A socket bound to 0.0.0.0:port with SO_REUSEADDR (as a server binds), or an invalid one.
berth::runtime::UniqueFd bound_tcp(int port) {
  berth::runtime::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return berth::runtime::UniqueFd();
  return fd;
}

int port_of(const berth::runtime::UniqueFd& fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

}  // namespace

// iptables and iptables-restore are /bin/true here: what is checked is the ports held beside them.
TEST_CASE("nat rules: a forwarded port is held against host programs while it is forwarded", "[runtime][elb]") {
  berth::runtime::lb::NatRules rules("/bin/true", "/bin/true");
  int port = 0;
  {
    const auto probe = bound_tcp(0);
    port = port_of(probe);
  }
  REQUIRE(rules.apply({berth::model::TcpForward{port, {}}}).has_value());
  CHECK(rules.held_ports() == std::vector<int>{port});
  CHECK_FALSE(bound_tcp(port).valid());
  REQUIRE(rules.apply({berth::model::TcpForward{port, {}}}).has_value());  // applied again: still one hold
  CHECK(rules.held_ports() == std::vector<int>{port});
  REQUIRE(rules.apply({}).has_value());
  CHECK(rules.held_ports().empty());
  CHECK(bound_tcp(port).valid());
}

TEST_CASE("nat rules: a port a host program holds is forwarded, and held once the program lets it go", "[runtime][elb]") {
  berth::runtime::lb::NatRules rules("/bin/true", "/bin/true");
  auto program = bound_tcp(0);
  REQUIRE(program.valid());
  const int port = port_of(program);
  REQUIRE(rules.apply({berth::model::TcpForward{port, {}}}).has_value());
  CHECK(rules.held_ports().empty());
  program.reset();
  REQUIRE(rules.apply({berth::model::TcpForward{port, {}}}).has_value());
  CHECK(rules.held_ports() == std::vector<int>{port});
}

}  // namespace nat_rules_test
