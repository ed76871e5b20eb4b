#include "runtime/shim/log_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "runtime/linux/unix_socket.hpp"

namespace berth::runtime {
namespace {

// How long a TCP connect, and then a TLS handshake, may take (the container's start waits).
constexpr std::chrono::milliseconds k_connect_timeout{5000};

std::unexpected<Error> dial_error(const std::string& network, const std::string& address, int err) {
  return fail(Code::client, "dial " + network + " " + address + ": connect: " + std::strerror(err));
}

// A non-blocking socket of `type` connected to `path` (any length, as connect_unix takes it).
Result<UniqueFd> connect_path(const std::string& path, int type) {
  BERTH_ASSIGN(auto fd, connect_unix(path, type));
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
  return fd;
}

// Docker's words for a path that would not connect; an error without errno (a name too long
// even through /proc/self/fd) keeps its own message.
std::unexpected<Error> dial_path_error(const std::string& network, const std::string& path, const Error& e) {
  if (e.sys_errno == 0) return fail(Code::client, "dial " + network + " " + path + ": " + e.message);
  return dial_error(network, path, e.sys_errno);
}

// A non-blocking socket to the first of `host`'s addresses that takes the attempt: connected
// (UDP, or a TCP connect done at once) or with the connect under way (EINPROGRESS: `in_progress`).
Result<UniqueFd> start_connect_host(const std::string& host, int port, int type, bool& in_progress) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string network = type == SOCK_STREAM ? "tcp" : "udp";
  const std::string address = host + ":" + std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return fail(Code::client, "dial " + network + " " + address + ": lookup " + host + ": " + ::gai_strerror(rc));
  }
  int last_errno = ECONNREFUSED;
  UniqueFd out;
  in_progress = false;
  for (addrinfo* a = found; a && !out.valid(); a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd.valid()) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      in_progress = errno == EINPROGRESS;
      out = std::move(fd);
    } else {
      last_errno = errno;
    }
  }
  ::freeaddrinfo(found);
  if (!out.valid()) return dial_error(network, address, last_errno);
  return out;
}

}  // namespace

Result<LogSocket> LogSocket::dial(const model::SyslogOptions& o) {
  using model::SyslogTransport;
  switch (o.transport) {
    case SyslogTransport::unixgram: {
      auto fd = connect_path(o.path, SOCK_DGRAM);
      // A stream socket at the path (some syslog daemons listen so): as Docker's client, try that.
      if (!fd && fd.error().sys_errno == EPROTOTYPE) {
        if (auto stream = connect_path(o.path, SOCK_STREAM)) return LogSocket(std::move(*stream), true);
      }
      if (!fd) return dial_path_error("unixgram", o.path, fd.error());
      return LogSocket(std::move(*fd), false);
    }
    case SyslogTransport::unix_stream: {
      auto fd = connect_path(o.path, SOCK_STREAM);
      if (!fd) return dial_path_error("unix", o.path, fd.error());
      return LogSocket(std::move(*fd), true);
    }
    case SyslogTransport::udp: {
      bool in_progress = false;
      BERTH_ASSIGN(auto fd, start_connect_host(o.host, o.port, SOCK_DGRAM, in_progress));
      return LogSocket(std::move(fd), false);
    }
    case SyslogTransport::tcp:
    case SyslogTransport::tcp_tls: {
      bool in_progress = false;
      BERTH_ASSIGN(auto fd, start_connect_host(o.host, o.port, SOCK_STREAM, in_progress));
      const bool tls = o.transport == SyslogTransport::tcp_tls;
      LogSocket out(std::move(fd), true, in_progress ? Phase::tcp : tls ? Phase::tls : Phase::ready);
      out.m_address = o.host + ":" + std::to_string(o.port);
      out.m_options = o;
      out.m_deadline = std::chrono::steady_clock::now() + k_connect_timeout;
      if (out.m_phase == Phase::tls) BERTH_TRY(out.advance());
      return out;
    }
  }
  return fail(Code::client, "unknown syslog transport");
}

Result<void> LogSocket::advance() {
  const bool tls = m_options.transport == model::SyslogTransport::tcp_tls;
  if (m_phase == Phase::tcp) {
    pollfd p{m_fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, 0) != 1) {
      if (std::chrono::steady_clock::now() >= m_deadline) return dial_error("tcp", m_address, ETIMEDOUT);
      return {};
    }
    int err = 0;
    socklen_t length = sizeof err;
    ::getsockopt(m_fd.get(), SOL_SOCKET, SO_ERROR, &err, &length);
    if (err != 0) return dial_error("tcp", m_address, err);
    m_phase = tls ? Phase::tls : Phase::ready;
    m_deadline = std::chrono::steady_clock::now() + k_connect_timeout;
  }
  if (m_phase == Phase::tls) {
    const auto& o = m_options;
    if (!m_tls) {
      auto begun = TlsClientStream::begin(m_fd.get(), {.server_name = o.host, .ca_file = o.tls_ca_cert, .cert_file = o.tls_cert,
                                                        .key_file = o.tls_key, .skip_verify = o.tls_skip_verify});
      if (!begun) return fail(Code::client, "dial tcp+tls " + m_address + ": " + begun.error().message);
      m_tls = std::move(*begun);
    }
    const auto step = m_tls->step();
    if (!step) return fail(Code::client, "dial tcp+tls " + m_address + ": " + step.error().message);
    if (*step == TlsClientStream::Step::done) {
      m_phase = Phase::ready;
    } else if (std::chrono::steady_clock::now() >= m_deadline) {
      return fail(Code::client, "dial tcp+tls " + m_address + ": TLS handshake: no answer within " +
                                    std::to_string(k_connect_timeout.count()) + " ms");
    } else {
      m_tls_wants = *step == TlsClientStream::Step::want_read ? POLLIN : POLLOUT;
    }
  }
  return {};
}

short LogSocket::poll_events() const {
  switch (m_phase) {
    case Phase::tcp: return POLLOUT;
    case Phase::tls: return m_tls_wants;
    case Phase::ready: return 0;
  }
  return 0;
}

Result<LogSocket> LogSocket::connect(const model::SyslogOptions& o) {
  BERTH_ASSIGN(LogSocket socket, dial(o));
  // The container's start waits for the connection (advance() bounds each phase).
  while (socket.connecting()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(socket.deadline() - std::chrono::steady_clock::now());
    pollfd p{socket.fd(), socket.poll_events(), 0};
    ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    BERTH_TRY(socket.advance());
  }
  return socket;
}

Result<LogSocket> LogSocket::connect_datagram(const std::string& path) {
  auto fd = connect_path(path, SOCK_DGRAM);
  if (!fd) return dial_path_error("unixgram", path, fd.error());
  return LogSocket(std::move(*fd), false);
}

bool LogSocket::peer_closed() const {
  if (!m_stream) return false;
  pollfd p{m_fd.get(), POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

LogSocket::Sent LogSocket::send(std::string_view message, std::size_t& offset) {
  if (m_tls) {
    std::size_t taken = 0;
    switch (m_tls->write(message.substr(offset), taken)) {
      case TlsClientStream::Written::some:
        offset += taken;
        return offset >= message.size() ? Sent::whole : Sent::partly;
      case TlsClientStream::Written::would_block: return Sent::would_block;
      case TlsClientStream::Written::broken: return Sent::broken;
    }
  }
  const ssize_t n = ::send(m_fd.get(), message.data() + offset, message.size() - offset, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) {
    offset += static_cast<std::size_t>(n);
    return offset >= message.size() ? Sent::whole : Sent::partly;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOBUFS) return Sent::would_block;
  if (errno == EMSGSIZE) return Sent::too_big;
  return Sent::broken;
}

}  // namespace berth::runtime
