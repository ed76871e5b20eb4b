#include "runtime/http/tls_tunnel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "runtime/http/transport.hpp"

namespace berth::runtime {

Result<std::unique_ptr<TlsTunnel>> TlsTunnel::open(const std::string& url, const HttpOptions& options) {
  BERTH_ASSIGN(const auto parsed, detail::parse_url(url));
  if (parsed.scheme != "https") return fail(Code::invalid_parameter, "a tunnel needs an https URL, not " + url);
  auto channel = detail::open_tls_channel(parsed.target, options);
  if (!channel) return std::unexpected(channel.error().wrap("CONNECT " + url));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return sys_fail("cannot make a socketpair");
  // The constructor starts the relay thread; a failure to start one closes both ends.
  try {
    return std::unique_ptr<TlsTunnel>(new TlsTunnel(std::move(*channel), pair[0], pair[1]));
  } catch (const std::system_error& e) {
    ::close(pair[0]);
    ::close(pair[1]);
    return fail(Code::server, std::string("cannot start the TLS relay: ") + e.what());
  }
}

TlsTunnel::TlsTunnel(std::unique_ptr<SecureChannel> channel, int socket, int relay_end)
    : m_channel(std::move(channel)), m_socket(socket), m_relay([this, relay_end] { relay_channel(*m_channel, relay_end); }) {}

TlsTunnel::~TlsTunnel() {
  // The relay sees the local side end, sends what it still holds, then stops.
  ::shutdown(m_socket, SHUT_RDWR);
  m_relay.join();
  ::close(m_socket);
}

}  // namespace berth::runtime
