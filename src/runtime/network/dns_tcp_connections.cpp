#include "runtime/network/dns_tcp_connections.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace berth::runtime {
namespace {

// Bytes read per readiness: a connection cannot hold the loop for long, and the reader holds at
// most one unfinished message besides this.
constexpr std::size_t k_read_chunk = 4096;
constexpr int k_backlog = 64;

}  // namespace

Result<DnsTcpConnections> DnsTcpConnections::listen(const sockaddr_in& address, DnsTcpLimits limits,
                                                    DnsTcpCounters& counters) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_fail("DNS TCP socket");
  const int one = 1;
  // A restarted gateway binds again while its old connections linger in TIME_WAIT.
  (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  (void)::setsockopt(fd.get(), IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    char text[INET_ADDRSTRLEN] = "";
    (void)::inet_ntop(AF_INET, &address.sin_addr, text, sizeof(text));
    return sys_fail("bind DNS over TCP to " + std::string(text) + ":" + std::to_string(ntohs(address.sin_port)));
  }
  if (::listen(fd.get(), k_backlog) != 0) return sys_fail("listen for DNS over TCP");
  return DnsTcpConnections(std::move(fd), limits, counters);
}

void DnsTcpConnections::poll_fds(std::vector<pollfd>& fds) {
  fds.push_back({m_listener.get(), POLLIN, 0});
  m_polled.clear();
  for (auto& [id, c] : m_connections) {
    short events = 0;
    if (!c.closing && c.unsent.size() < m_limits.max_unsent / 2) events |= POLLIN;
    if (!c.unsent.empty()) events |= POLLOUT;
    fds.push_back({c.fd.get(), events, 0});
    m_polled.push_back(id);
  }
}

void DnsTcpConnections::handle(std::span<const pollfd> fds, SteadyTime now, const OnMessage& on_message) {
  if (fds.empty()) return;
  for (std::size_t i = 0; i < m_polled.size() && i + 1 < fds.size(); ++i) {
    const short revents = fds[i + 1].revents;
    if (revents == 0) continue;
    const auto it = m_connections.find(m_polled[i]);
    if (it == m_connections.end() || it->second.dead) continue;
    Connection& c = it->second;
    if ((revents & POLLOUT) && !flush(c)) c.dead = true;
    if (!c.dead && (revents & (POLLIN | POLLHUP | POLLERR)) && !read_from(it->first, c, now, on_message)) c.dead = true;
    if (c.closing && c.unsent.empty()) c.dead = true;
  }
  std::erase_if(m_connections, [](const auto& entry) { return entry.second.dead; });
  // Accepted last: a new connection is polled from the next round on.
  if (fds[0].revents & POLLIN) accept_all(now);
}

void DnsTcpConnections::accept_all(SteadyTime now) {
  // Bounded per wake-up like the UDP batch: the backlog keeps the rest for the next round.
  for (int i = 0; i < k_backlog; ++i) {
    UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;
    if (m_connections.size() >= m_limits.max_connections) {
      ++m_counters->rejected;  // closed at once: the client sees the reset and retries, or uses UDP's answer
      continue;
    }
    ++m_counters->accepted;
    m_connections.emplace(m_next_id++, Connection{std::move(fd), DnsTcpReader(m_limits.max_message), {}, now});
  }
}

bool DnsTcpConnections::read_from(std::uint64_t id, Connection& c, SteadyTime now, const OnMessage& on_message) {
  std::array<std::uint8_t, k_read_chunk> chunk{};
  const ssize_t n = ::recv(c.fd.get(), chunk.data(), chunk.size(), MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  if (n == 0) {
    // The peer sent all it will; answers still being made go out before the close.
    c.closing = true;
    return !c.unsent.empty();
  }
  c.last_active = now;
  c.reader.append(std::span(chunk.data(), static_cast<std::size_t>(n)));
  while (!c.dead) {
    auto message = c.reader.next();
    if (!message) {
      ++m_counters->rejected;
      return false;
    }
    if (!*message) break;
    on_message(id, **message);
  }
  return !c.dead;
}

bool DnsTcpConnections::send(std::uint64_t connection, std::span<const std::uint8_t> message, SteadyTime now) {
  const auto it = m_connections.find(connection);
  if (it == m_connections.end() || it->second.dead) return false;
  Connection& c = it->second;
  const auto framed = dns_tcp_frame(message);
  c.unsent.insert(c.unsent.end(), framed.begin(), framed.end());
  c.last_active = now;
  if (c.unsent.size() > m_limits.max_unsent) {
    ++m_counters->rejected;
    c.dead = true;
    c.unsent.clear();
    return false;
  }
  if (!flush(c)) {
    c.dead = true;
    return false;
  }
  return true;
}

bool DnsTcpConnections::flush(Connection& c) {
  std::size_t sent = 0;
  while (sent < c.unsent.size()) {
    const ssize_t n = ::send(c.fd.get(), c.unsent.data() + sent, c.unsent.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  c.unsent.erase(c.unsent.begin(), c.unsent.begin() + static_cast<std::ptrdiff_t>(sent));
  return true;
}

void DnsTcpConnections::close_idle(SteadyTime now) {
  std::erase_if(m_connections, [&](const auto& entry) {
    const Connection& c = entry.second;
    return c.dead || (c.closing && c.unsent.empty()) || now - c.last_active > m_limits.idle_timeout;
  });
}

}  // namespace berth::runtime
