// HostPortReservations on this host's real sockets: a held port is refused to other programs
// (plain and SO_REUSEADDR binds alike), a port another program holds is refused to a task with a
// clear message and nothing left held, and release gives the ports back.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "runtime/linux/unique_fd.hpp"
#include "runtime/network/host_port_reservations.hpp"

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
