// HostPortReservations on this host's real sockets: a held port is refused to other programs
// (plain and SO_REUSEADDR binds alike), a port another program holds is refused to a task with a
// clear message and nothing left held, and release gives the ports back.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "runtime/linux/unique_fd.hpp"
#include "runtime/network/host_port_reservations.hpp"

namespace host_port_reservations_test {

using namespace berth;
using namespace berth::runtime;

namespace {

// A socket of `type` bound to 0.0.0.0:port (0: the kernel's choice), or an invalid one with errno.
UniqueFd bound(int type, int port, bool reuse_address = false) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  const int on = 1;
  if (reuse_address) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) return UniqueFd();
  return fd;
}

int port_of(const UniqueFd& fd) {
  sockaddr_in address{};
  socklen_t length = sizeof(address);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

// A port that was free a moment ago (the kernel's choice, let go).
int free_port(int type) {
  const UniqueFd probe = bound(type, 0);
  REQUIRE(probe.valid());
  return port_of(probe);
}

}  // namespace

TEST_CASE("host ports: a held TCP port cannot be bound by another program until released", "[runtime][network]") {
  HostPortReservations reservations;
  const int port = free_port(SOCK_STREAM);
  REQUIRE(reservations.reserve("t1", {HostPort{port, "tcp"}}).has_value());
  CHECK_FALSE(bound(SOCK_STREAM, port).valid());
  CHECK(errno == EADDRINUSE);
  CHECK_FALSE(bound(SOCK_STREAM, port, true).valid());  // SO_REUSEADDR does not share it either
  REQUIRE(reservations.held_by("t1").size() == 1);
  CHECK(reservations.held_by("t1")[0].port == port);

  reservations.release("t1");
  CHECK(reservations.held_by("t1").empty());
  CHECK(bound(SOCK_STREAM, port).valid());
}

TEST_CASE("host ports: UDP ports are held apart from TCP ones", "[runtime][network]") {
  HostPortReservations reservations;
  const int port = free_port(SOCK_DGRAM);
  REQUIRE(reservations.reserve("t1", {HostPort{port, "udp"}}).has_value());
  CHECK_FALSE(bound(SOCK_DGRAM, port).valid());
  reservations.release("t1");
  CHECK(bound(SOCK_DGRAM, port).valid());
}

TEST_CASE("host ports: a port another program holds fails the reserve and leaves nothing held", "[runtime][network]") {
  HostPortReservations reservations;
  const UniqueFd other = bound(SOCK_STREAM, 0);
  REQUIRE(other.valid());
  const int taken = port_of(other);
  const int free = free_port(SOCK_STREAM);
  auto held = reservations.reserve("t1", {HostPort{free, "tcp"}, HostPort{taken, "tcp"}});
  REQUIRE_FALSE(held.has_value());
  CHECK(held.error().code == Code::client);
  CHECK(held.error().message == "Bind for 0.0.0.0:" + std::to_string(taken) +
                                    "/tcp failed: port is already allocated (another program on the host holds it)");
  CHECK(reservations.held_by("t1").empty());
  CHECK(bound(SOCK_STREAM, free).valid());  // the first port of the failed call was let go
}

TEST_CASE("host ports: reserving a task's ports again holds each once and keeps the earlier ones", "[runtime][network]") {
  HostPortReservations reservations;
  const int first = free_port(SOCK_STREAM);
  REQUIRE(reservations.reserve("t1", {HostPort{first, "tcp"}}).has_value());
  REQUIRE(reservations.reserve("t1", {HostPort{first, "tcp"}, HostPort{first, "tcp"}}).has_value());
  CHECK(reservations.held_by("t1").size() == 1);

  const UniqueFd other = bound(SOCK_STREAM, 0);
  auto refused = reservations.reserve("t1", {HostPort{port_of(other), "tcp"}});
  CHECK_FALSE(refused.has_value());
  CHECK(reservations.held_by("t1").size() == 1);  // the earlier port stays held
  CHECK_FALSE(bound(SOCK_STREAM, first).valid());
}

TEST_CASE("host ports: out-of-range ports and unknown protocols are refused", "[runtime][network]") {
  HostPortReservations reservations;
  CHECK_FALSE(reservations.reserve("t1", {HostPort{0, "tcp"}}).has_value());
  CHECK_FALSE(reservations.reserve("t1", {HostPort{65536, "tcp"}}).has_value());
  CHECK_FALSE(reservations.reserve("t1", {HostPort{8080, "sctp"}}).has_value());
  CHECK(reservations.held_by("t1").empty());
}

namespace {

// `count` consecutive TCP ports held by this test (so no other program has them), the first
// one's number in `first`. Retried from other starting points: the host's programs hold ports
// here and there.
std::vector<UniqueFd> hold_consecutive(int count, int& first) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    first = free_port(SOCK_STREAM);
    if (first + count - 1 > 65535) continue;
    std::vector<UniqueFd> held;
    for (int p = first; p < first + count; ++p) {
      UniqueFd fd = bound(SOCK_STREAM, p);
      if (!fd.valid()) break;
      held.push_back(std::move(fd));
    }
    if (static_cast<int>(held.size()) == count) return held;
  }
  FAIL("no " << count << " consecutive free TCP ports found");
  return {};
}

WantedPort dynamic_port(int port) { return WantedPort{HostPort{port, "tcp"}, true}; }
WantedPort static_port(int port) { return WantedPort{HostPort{port, "tcp"}, false}; }

}  // namespace

TEST_CASE("host ports: a dynamic port another program took is replaced by one of the range, held and returned",
          "[runtime][network]") {
  int placed = 0;
  auto ports = hold_consecutive(4, placed);
  // The test keeps the placed port; the rest of the range is let go again (free to take).
  ports.resize(1);
  DynamicPorts dynamic{{placed, placed + 3}, {placed + 1}, {}};
  // placed+1 is reserved, placed+2 another port the task asked for (static): placed+3 is the one.
  // The stand-in is drawn in random order, so the choice is made 20 times: a skip that failed
  // would be drawn in about half of them.
  for (int round = 0; round < 20; ++round) {
    HostPortReservations reservations;
    auto held = reservations.reserve("t1", {dynamic_port(placed), static_port(placed + 2)}, dynamic);
    REQUIRE(held.has_value());
    REQUIRE(held->size() == 2);
    CHECK((*held)[0].port == placed + 3);
    CHECK((*held)[1].port == placed + 2);
    REQUIRE(reservations.held_by("t1").size() == 2);
    CHECK(reservations.held_by("t1")[0].port == placed + 3);
    CHECK_FALSE(bound(SOCK_STREAM, placed + 3).valid());  // held against host programs
    CHECK(errno == EADDRINUSE);
  }

  // A wide range: some port of it other than the placed one.
  HostPortReservations wide;
  auto anywhere = wide.reserve("t2", {dynamic_port(placed)}, DynamicPorts{{placed, std::min(placed + 500, 65535)}, {}, {}});
  REQUIRE(anywhere.has_value());
  const int chosen = anywhere->at(0).port;
  CHECK(chosen != placed);
  CHECK(chosen >= placed);
  CHECK(chosen <= placed + 500);
  CHECK(wide.held_by("t2").at(0).port == chosen);
  CHECK_FALSE(bound(SOCK_STREAM, chosen).valid());
}

TEST_CASE("host ports: a static port another program holds fails with Docker's words, a dynamic range or not",
          "[runtime][network]") {
  HostPortReservations reservations;
  int taken = 0;
  const auto other = hold_consecutive(1, taken);
  const int free = free_port(SOCK_STREAM);
  auto held = reservations.reserve("t1", {dynamic_port(free), static_port(taken)},
                                   DynamicPorts{{taken, std::min(taken + 100, 65535)}, {}, {}});
  REQUIRE_FALSE(held.has_value());
  CHECK(held.error().code == Code::client);
  CHECK(held.error().message == "Bind for 0.0.0.0:" + std::to_string(taken) +
                                    "/tcp failed: port is already allocated (another program on the host holds it)");
  CHECK(reservations.held_by("t1").empty());
  CHECK(bound(SOCK_STREAM, free).valid());  // the dynamic port bound first was let go
}

TEST_CASE("host ports: a dynamic port with no other port of its range free fails, naming the range",
          "[runtime][network]") {
  HostPortReservations reservations;
  int first = 0;
  SECTION("every port of a small range is taken") {
    const auto ports = hold_consecutive(3, first);
    auto held = reservations.reserve("t1", {dynamic_port(first + 1)}, DynamicPorts{{first, first + 2}, {}, {}});
    REQUIRE_FALSE(held.has_value());
    CHECK(held.error().code == Code::client);
    CHECK(held.error().message == "Bind for 0.0.0.0:" + std::to_string(first + 1) +
                                      "/tcp failed: port is already allocated (another program on the host holds it), "
                                      "and none of the 2 other ports tried of the dynamic host port range " +
                                      std::to_string(first) + "-" + std::to_string(first + 2) + " was free");
  }
  SECTION("a range larger than the attempts, all taken: only k_dynamic_port_attempts are tried") {
    const int span = k_dynamic_port_attempts + 8;
    const auto ports = hold_consecutive(span, first);
    auto held = reservations.reserve("t1", {dynamic_port(first)}, DynamicPorts{{first, first + span - 1}, {}, {}});
    REQUIRE_FALSE(held.has_value());
    CHECK_THAT(held.error().message, Catch::Matchers::Contains("port is already allocated") &&
                                         Catch::Matchers::Contains("none of the " + std::to_string(k_dynamic_port_attempts) +
                                                                   " other ports tried"));
  }
  SECTION("the range is the placed port alone") {
    const auto ports = hold_consecutive(1, first);
    auto held = reservations.reserve("t1", {dynamic_port(first)}, DynamicPorts{{first, first}, {}, {}});
    REQUIRE_FALSE(held.has_value());
    CHECK_THAT(held.error().message, Catch::Matchers::Contains("none of the 0 other ports tried"));
  }
  CHECK(reservations.held_by("t1").empty());
}

}  // namespace host_port_reservations_test
