// A TLS connection to an https server handed to the caller as a plain local socket: a
// socketpair whose other end a thread of the tunnel relays through the session
// (common/channel_relay.hpp). For protocols that leave HTTP after a 101 (`berth exec --endpoint`),
// whose code reads and writes a socket. The server's certificate is checked as http_client.hpp's
// options say. Not thread-safe: one owner.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/channel_relay.hpp"
#include "common/result.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::runtime {

class TlsTunnel {
 public:
  // Connects to `url`'s host and port (https only) and completes the handshake. The errors of
  // http_post for an unreachable or untrusted server, prefixed "CONNECT URL: "; InvalidParameter
  // for a URL that is not https.
  [[nodiscard]] static Result<std::unique_ptr<TlsTunnel>> open(const std::string& url, const HttpOptions& options);
  // Ends the local socket, waits for the relay (which says close_notify) and closes the connection.
  ~TlsTunnel();
  TlsTunnel(const TlsTunnel&) = delete;
  TlsTunnel& operator=(const TlsTunnel&) = delete;

  // The local end: what is written here goes to the server, what it sends is read here.
  int socket() const { return m_socket; }

 private:
  TlsTunnel(std::unique_ptr<SecureChannel> channel, int socket, int relay_end);
  std::unique_ptr<SecureChannel> m_channel;
  int m_socket;
  std::thread m_relay;
};

}  // namespace berth::runtime
