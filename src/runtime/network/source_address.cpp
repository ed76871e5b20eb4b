#include "runtime/network/source_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "runtime/http/transport.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

Result<std::string> ipv4_source_toward(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return fail(Code::client, "no IPv4 address for " + host + ": " + ::gai_strerror(rc));
  }
  sockaddr_in to{};
  std::memcpy(&to, found->ai_addr, sizeof(to));
  ::freeaddrinfo(found);
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_fail("socket");
  // A UDP connect only picks the route and the source address: no packet leaves.
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0) {
    return fail(Code::client, "no route to " + host + ": " + std::strerror(errno));
  }
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0) return sys_fail("getsockname");
  char text[INET_ADDRSTRLEN] = "";
  if (!::inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text))) return sys_fail("inet_ntop");
  return std::string(text);
}

Result<std::string> ipv4_source_toward_url(const std::string& url) {
  BERTH_ASSIGN(const auto parsed, detail::parse_url(url));
  return ipv4_source_toward(parsed.target.host, parsed.target.port);
}

}  // namespace berth::runtime
