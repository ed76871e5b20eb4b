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

// Connects a non-blocking socket to one of `host`'s addresses, waiting at most 5 s for TCP.
Result<UniqueFd> connect_host(const std::string& host, int port, int type) {
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
  for (addrinfo* a = found; a && !out.valid(); a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd.valid()) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      out = std::move(fd);
      break;
    }
    if (errno != EINPROGRESS) {
      last_errno = errno;
      continue;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int err = ETIMEDOUT;
    socklen_t length = sizeof err;
    if (::poll(&p, 1, static_cast<int>(k_connect_timeout.count())) == 1) ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &length);
    if (err == 0) out = std::move(fd);
    else last_errno = err;
  }
  ::freeaddrinfo(found);
  if (!out.valid()) return dial_error(network, address, last_errno);
  return out;
}

}  // namespace

Result<LogSocket> LogSocket::connect(const model::SyslogOptions& o) {
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
      BERTH_ASSIGN(auto fd, connect_host(o.host, o.port, SOCK_DGRAM));
      return LogSocket(std::move(fd), false);
    }
    case SyslogTransport::tcp: {
      BERTH_ASSIGN(auto fd, connect_host(o.host, o.port, SOCK_STREAM));
      return LogSocket(std::move(fd), true);
    }
    case SyslogTransport::tcp_tls: {
      BERTH_ASSIGN(auto fd, connect_host(o.host, o.port, SOCK_STREAM));
      auto tls = TlsClientStream::handshake(fd.get(),
                                            {.server_name = o.host, .ca_file = o.tls_ca_cert, .cert_file = o.tls_cert,
                                             .key_file = o.tls_key, .skip_verify = o.tls_skip_verify},
                                            k_connect_timeout);
      if (!tls) return fail(Code::client, "dial tcp+tls " + o.host + ":" + std::to_string(o.port) + ": " + tls.error().message);
      return LogSocket(std::move(fd), true, std::move(*tls));
    }
  }
  return fail(Code::client, "unknown syslog transport");
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
