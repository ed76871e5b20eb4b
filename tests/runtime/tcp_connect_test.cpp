// connect_tcp against real loopback sockets: a listener answers, a closed port refuses, and a
// listener whose queue is full (the kernel drops further SYNs, as a silent host does) ends in the
// deadline's error rather than the kernel's minutes of SYN retries.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "runtime/http/transport.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace tcp_connect_test {

using namespace berth;
using namespace berth::runtime;

namespace {

UniqueFd listener(int backlog, int& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd.get(), backlog) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

detail::Target loopback(int port) { return {"127.0.0.1", port, "127.0.0.1:" + std::to_string(port), "/"}; }

}  // namespace

TEST_CASE("tcp connect: a listener is reached, a closed port refuses", "[runtime][http]") {
  int port = 0;
  const UniqueFd server = listener(4, port);
  auto connected = detail::connect_tcp(loopback(port), 5);
  REQUIRE(connected.has_value());
  const UniqueFd client(*connected);
  CHECK(client.valid());

  UniqueFd closed_port_owner;
  int closed = 0;
  { closed_port_owner = listener(1, closed); }
  closed_port_owner.reset();  // the port is free again: nothing listens there
  auto refused = detail::connect_tcp(loopback(closed), 5);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::server);
  CHECK(refused.error().sys_errno == ECONNREFUSED);
  CHECK(refused.error().message == "cannot connect to 127.0.0.1:" + std::to_string(closed) + ": Connection refused");
}

TEST_CASE("tcp connect: a listener that takes no more connections ends in the deadline's error", "[runtime][http]") {
  int port = 0;
  const UniqueFd server = listener(0, port);
  // Fill the accept queue (never accepted): the kernel then drops new SYNs.
  std::vector<UniqueFd> queued;
  Result<int> attempt = fail(Code::server, "not tried");
  for (int i = 0; i < 8; ++i) {
    attempt = detail::connect_tcp(loopback(port), 1);
    if (!attempt) break;
    queued.emplace_back(*attempt);
  }
  REQUIRE_FALSE(attempt.has_value());
  CHECK(attempt.error().sys_errno == ETIMEDOUT);
  CHECK(attempt.error().message == "cannot connect to 127.0.0.1:" + std::to_string(port) + ": timed out");
}

}  // namespace tcp_connect_test
