// The shim's connection to a host logger: a unix datagram or stream socket by path (/dev/log,
// the journal's socket), or UDP / TCP / TCP with TLS (tcp+tls) to a syslog host. Non-blocking
// once connected (TLS's handshake included, done while connecting), so a slow
// receiver shows as "would block" and the shim decides (by delivery mode) whether the container
// waits. Not thread-safe.
#pragma once

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
  LogSocket(UniqueFd fd, bool stream, std::unique_ptr<TlsClientStream> tls = {})
      : m_fd(std::move(fd)), m_stream(stream), m_tls(std::move(tls)) {}
  UniqueFd m_fd;
  bool m_stream = false;
  std::unique_ptr<TlsClientStream> m_tls;  // tcp+tls; destroyed (its close_notify sent) before m_fd closes
};

}  // namespace berth::runtime
