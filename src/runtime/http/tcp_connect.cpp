#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "runtime/http/transport.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime::detail {
namespace {

// One address tried until `deadline`: the connected socket (blocking again), or the errno.
Result<UniqueFd> connect_one(const addrinfo& a, std::chrono::steady_clock::time_point deadline) {
  UniqueFd fd(::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol));
  if (!fd.valid()) return sys_fail("socket");
  if (::connect(fd.get(), a.ai_addr, a.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return fail(Code::server, std::strerror(errno), errno);
    pollfd p{fd.get(), POLLOUT, 0};
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return fail(Code::server, "timed out", ETIMEDOUT);
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return sys_fail("poll");
      if (ready > 0) break;
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return fail(Code::server, std::strerror(error), error);
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) return sys_fail("fcntl");
  return fd;
}

}  // namespace

Result<int> connect_tcp(const Target& target, int timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found); rc != 0) {
    return fail(Code::server, "cannot connect: " + target.host + ": " + ::gai_strerror(rc));
  }
  Error last{Code::server, "no address", 0};
  for (const addrinfo* a = found; a; a = a->ai_next) {
    auto connected = connect_one(*a, deadline);
    if (connected) {
      ::freeaddrinfo(found);
      return connected->release();
    }
    last = connected.error();
    if (last.sys_errno == ETIMEDOUT) break;  // the deadline is the whole connect's
  }
  ::freeaddrinfo(found);
  return fail(Code::server, "cannot connect to " + target.host_port + ": " + last.message, last.sys_errno);
}

}  // namespace berth::runtime::detail
