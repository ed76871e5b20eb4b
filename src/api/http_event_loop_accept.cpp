// New connections of HttpEventLoop: accept(2) on the listeners, the limits that turn one away
// (connections in all and per peer, buffered bytes for a TLS session), who the peer is, and the
// pause when descriptors run out.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/http_event_loop_impl.hpp"
#include "common/log.hpp"

namespace berth::api {

using http_loop::final_reply;

namespace {

constexpr int k_max_accepts_per_wake = 64;
// When accept() runs out of descriptors the listener is left alone this long.
constexpr auto k_accept_pause = std::chrono::milliseconds(100);

std::string peer_key(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    return std::string(reinterpret_cast<const char*>(&in.sin_addr), sizeof(in.sin_addr));
  }
  if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    const auto* bytes = reinterpret_cast<const char*>(&in6.sin6_addr);
    if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) return std::string(bytes + 12, 4);
    return std::string(bytes, sizeof(in6.sin6_addr));
  }
  return "";
}

bool is_loopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in&>(addr).sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family != AF_INET6) return false;
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(&in6) || (IN6_IS_ADDR_V4MAPPED(&in6) && in6.s6_addr[12] == 127);
}

// Returns what the kernel says about the peer of `fd`, accepted on a listener of `kind`.
HttpPeer describe_peer(int fd, HttpListener::Kind kind, const sockaddr_storage& addr) {
  HttpPeer peer;
  if (kind == HttpListener::Kind::unix_socket) {
    peer.transport = HttpPeer::Transport::unix_socket;
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0) {
      peer.credentials = PeerCredentials{credentials.pid, credentials.uid, credentials.gid, {}};
      // A process has at most NGROUPS_MAX (65536) groups; a gateway's users have a handful.
      std::vector<gid_t> groups(64);
      socklen_t groups_length = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
      if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &groups_length) == 0) {
        groups.resize(groups_length / sizeof(gid_t));
        peer.credentials->groups = std::move(groups);
      }
    }
    return peer;
  }
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
  }
  peer.loopback = is_loopback(addr);
  peer.address = text;
  return peer;
}

}  // namespace

void HttpEventLoop::Impl::accept_from(HttpListener& listener) {
  for (int i = 0; i < k_max_accepts_per_wake; ++i) {
    sockaddr_storage addr{};
    socklen_t length = sizeof(addr);
    const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&addr), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        log_warn(std::string("API: cannot accept a connection: ") + std::strerror(errno));
        set_listeners_interest(false);
        accept_paused_until = Clock::now() + k_accept_pause;
      }
      return;
    }
    // Loopback clients are this host's own processes (joined agents under test, tools): like
    // unix-socket peers they count only in the total.
    const bool local = listener.kind != HttpListener::Kind::tcp || is_loopback(addr);
    const std::string peer = local ? "" : peer_key(addr);
    // A TLS client would not understand a plain-text 503: it is just closed.
    if (listener.tls && buffered_bytes + tls::TlsSession::memory_bytes() > options.max_buffered_bytes) {
      ::close(fd);
      continue;
    }
    if (connections.size() >= options.max_connections) {
      if (listener.tls) ::close(fd);
      else reject(fd, "The API has " + std::to_string(options.max_connections) + " connections open; retry later.");
      continue;
    }
    if (!peer.empty() && per_peer[peer] >= options.max_connections_per_peer) {
      if (listener.tls) ::close(fd);
      else reject(fd, "This client has " + std::to_string(options.max_connections_per_peer) +
                          " connections open to the API; retry later.");
      continue;
    }
    std::unique_ptr<tls::TlsSession> session;
    if (listener.tls) {
      auto opened = tls::TlsSession::open(*listener.tls, fd);
      if (!opened) {
        log_warn("API: " + opened.error().message);
        ::close(fd);
        continue;
      }
      session = std::move(*opened);
    }
    if (listener.kind == HttpListener::Kind::tcp) {
      // Replies go out as one write; without NODELAY, Nagle and delayed ACKs stall keep-alive.
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    const std::uint64_t id = next_id++;
    HttpPeer who = describe_peer(fd, listener.kind, addr);
    if (session) who.transport = HttpPeer::Transport::tls;
    auto [it, inserted] = connections.try_emplace(id, fd, peer, std::move(who), options.limits);
    if (!peer.empty()) ++per_peer[peer];
    // A new connection has the request timeout to send its first request (or, over TLS, to
    // complete the handshake; the first request then has its own).
    set_deadline(it->second, Clock::now() + options.request_timeout);
    if (session) {
      it->second.tls = std::move(session);
      it->second.tls_config = listener.tls;
      it->second.phase = Connection::Phase::handshaking;
      update_buffered(it->second);
    }
    set_interest(id, it->second, EPOLLIN);
  }
}

void HttpEventLoop::Impl::set_listeners_interest(bool on) {
  accept_paused = !on;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    epoll_event event{on ? static_cast<std::uint32_t>(EPOLLIN) : 0u, {.u64 = i + 1}};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listeners[i].fd, &event);
  }
}

void HttpEventLoop::Impl::reject(int fd, const std::string& why) {
  // Best effort, never blocking: the client learns why before the connection closes.
  const std::string reply = final_reply(503, why);
  [[maybe_unused]] auto n = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

}  // namespace berth::api
