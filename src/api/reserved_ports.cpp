#include "api/reserved_ports.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/http_server.hpp"
#include "common/numbers.hpp"

namespace berth::api {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

Result<HostPort> split_host_port(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return fail(Code::invalid_parameter, "listen address must be host:port");
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = address.substr(colon + 1);
  if (!parse_integer_in<int>(port, 0, 65535)) {
    return fail(Code::invalid_parameter, "bad port in listen address '" + address + "'");
  }
  return HostPort{std::move(host), std::move(port)};
}

bool has_fixed_port(const std::string& address) {
  const auto split = split_host_port(address);
  return split && parse_integer<int>(split->port).value_or(0) != 0;
}

}  // namespace

Result<int> bind_tcp(const std::string& address, Bind bind) {
  BERTH_ASSIGN(const HostPort host_port, split_host_port(address));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host_port.host.empty() ? nullptr : host_port.host.c_str(), host_port.port.c_str(),
                               &hints, &found);
  if (rc != 0) return fail(Code::server, "cannot listen on " + address + ": " + ::gai_strerror(rc));
  int saved_errno = 0;
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind == Bind::any_address) ::setsockopt(fd, a->ai_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
                                                a->ai_family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    saved_errno = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return fail(Code::server, "cannot listen on " + address + ": " + std::strerror(saved_errno), saved_errno);
}

void ReservedPorts::reserve(const ServerOptions& options) {
  if (!options.listen.empty()) reserve_address(options.listen, Bind::local_address);
  for (const auto& also : options.listen_also) reserve_address(also, Bind::any_address);
}

void ReservedPorts::reserve_address(const std::string& address, Bind bind) {
  if (!has_fixed_port(address)) return;
  if (auto fd = bind_tcp(address, bind)) m_sockets.push_back(*fd);  // else the server's own bind says why
}

void ReservedPorts::release() {
  for (const int fd : m_sockets) ::close(fd);
  m_sockets.clear();
}

}  // namespace berth::api
