// The shim's connection to a host logger: a unix datagram or stream socket by path (/dev/log,
// the journal's socket), or UDP / TCP / TCP with TLS (tcp+tls) to a syslog host. Non-blocking
// throughout: a slow receiver shows as "would block" and the shim decides (by delivery mode)
// whether the container waits; dial() starts a TCP connect and TLS handshake that advance() moves
// on from the shim's poll loop, so a redial never holds the container (connect() waits for them,
// for the start). Not thread-safe.
#pragma once

#include <poll.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/host_log_drivers.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/tls/tls_client_stream.hpp"

namespace berth::runtime {

class LogSocket {
 public:
  // Connects to `address` (a local path is tried as a datagram socket, then as a stream one, as
  // Docker's syslog client does). TCP waits at most 5 s, and tcp+tls 5 s more for the handshake.
  // The error says which address failed and why (Docker's words: "dial unix /dev/log: connect: no
  // such file or directory"; "dial tcp+tls HOST:PORT: the server's certificate is not trusted: ...").
  [[nodiscard]] static Result<LogSocket> connect(const model::SyslogOptions& address);
  // A unix datagram socket at `path` (the journal's).
  [[nodiscard]] static Result<LogSocket> connect_datagram(const std::string& path);
  // Starts connecting to `address`: a local path or UDP is connected at once; TCP and tcp+tls are
  // under way (connecting() true) until advance() says they are done. A host name is looked up
  // here, which may wait for the resolver.
  [[nodiscard]] static Result<LogSocket> dial(const model::SyslogOptions& address);
  bool connecting() const { return m_phase != Phase::ready; }
  // Moves a connection under way on as far as the socket lets it (call when poll_events() are
  // ready, or at any time); an error is Docker's words as connect()'s. The TCP connect may take
  // 5 s, then the TLS handshake 5 s: past deadline() it fails.
  [[nodiscard]] Result<void> advance();
  // What a connection under way waits for (POLLOUT or POLLIN); 0 once connected.
  short poll_events() const;
  std::chrono::steady_clock::time_point deadline() const { return m_deadline; }

  enum class Sent { whole, partly, would_block, too_big, broken };
  // Sends `message` from `offset` (a stream may take part of it; offset moves past what went).
  // too_big: a datagram the receiver refuses for its size; broken: the connection is gone.
  Sent send(std::string_view message, std::size_t& offset);
  // A stream whose peer has shut it (a syslog receiver never sends, so its end of file is all it
  // can say): what is sent now would go nowhere, so the caller dials again instead.
  bool peer_closed() const;
  int fd() const { return m_fd.get(); }
  bool stream() const { return m_stream; }

 private:
  enum class Phase { tcp, tls, ready };
  LogSocket(UniqueFd fd, bool stream, Phase phase = Phase::ready) : m_fd(std::move(fd)), m_stream(stream), m_phase(phase) {}
  UniqueFd m_fd;
  bool m_stream = false;
  Phase m_phase = Phase::ready;
  short m_tls_wants = POLLOUT;  // during the handshake: what mbedTLS waits for
  std::chrono::steady_clock::time_point m_deadline{};  // of the phase under way
  std::string m_address;        // "host:port", for errors
  model::SyslogOptions m_options;  // tcp+tls: the TLS settings, kept until the handshake begins
  std::unique_ptr<TlsClientStream> m_tls;  // tcp+tls; destroyed (its close_notify sent) before m_fd closes
};

}  // namespace berth::runtime
