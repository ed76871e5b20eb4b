#include "runtime/network/dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <map>
#include <random>
#include <unordered_map>

#include "common/ascii.hpp"
#include "common/log.hpp"
#include "runtime/network/dns_message.hpp"

namespace berth::runtime {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// The largest datagram taken: a resolver's EDNS answer may pass 512 bytes.
constexpr std::size_t k_max_datagram = 4096;

// Who asked: a UDP client's address, or a TCP connection (then nonzero).
struct Asker {
  sockaddr_in udp{};
  std::uint64_t tcp_connection = 0;
};

struct Pending {
  Asker asker;
  std::uint16_t client_id = 0;
  SteadyTime deadline;
};

struct Cached {
  model::NameAnswer answer;
  SteadyTime until;
};

Result<UniqueFd> upstream_socket(const std::string& address, int port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof(sockaddr_in6);
  } else {
    return fail(Code::invalid_parameter, "resolver address '" + address + "' is not an IP address");
  }
  UniqueFd fd(::socket(storage.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_fail("socket for resolver " + address);
  // Connected: the kernel drops datagrams from anyone but that resolver.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) return sys_fail("connect to resolver " + address);
  return fd;
}

std::string lowered(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// The UDP socket on `address` and the address it got (its port, when asked for port 0).
Result<std::pair<UniqueFd, sockaddr_in>> bind_udp(sockaddr_in address, const std::string& address_text) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_fail("DNS socket");
  const int one = 1;
  // The bridge's gateway address appears with the first bridge task; listen before that.
  (void)::setsockopt(fd.get(), IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return sys_fail("bind DNS to " + address_text + ":" + std::to_string(ntohs(address.sin_port)));
  }
  socklen_t length = sizeof(address);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return sys_fail("getsockname");
  return std::pair{std::move(fd), address};
}

}  // namespace

Result<std::unique_ptr<DnsServer>> DnsServer::bind(DnsServerOptions options) {
  std::unique_ptr<DnsServer> server(new DnsServer(std::move(options)));
  const auto& o = server->m_options;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.address.c_str(), &address.sin_addr) != 1) {
    return fail(Code::invalid_parameter, "DNS listen address '" + o.address + "' is not IPv4");
  }
  // With port 0 the UDP port's twin may be taken for TCP: another free port, a few times.
  for (int attempt = 0; attempt < 8 && !server->m_tcp; ++attempt) {
    BERTH_ASSIGN(auto udp, bind_udp(address, o.address));
    server->m_socket = std::move(udp.first);
    server->m_port = ntohs(udp.second.sin_port);
    auto tcp = DnsTcpConnections::listen(udp.second, o.tcp, server->m_counters.tcp);
    if (tcp) {
      server->m_tcp.emplace(std::move(*tcp));
    } else if (o.port != 0 || attempt == 7) {
      log_warn("DNS: " + tcp.error().message + "; answering over UDP only (long answers stay truncated)");
      break;
    }
  }
  for (const auto& upstream : server->m_options.upstreams) {
    if (server->m_upstreams.size() == 3) break;
    auto fd = upstream_socket(upstream, server->m_options.upstream_port);
    if (!fd) {
      log_warn("DNS: " + fd.error().message + "; not forwarding there");
      continue;
    }
    server->m_upstreams.push_back(std::move(*fd));
  }
  server->m_stop = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!server->m_stop.valid()) return sys_fail("eventfd");
  return server;
}

DnsServer::~DnsServer() { stop(); }

void DnsServer::start(DnsLookup lookup) {
  if (m_thread.joinable()) return;
  m_lookup = std::move(lookup);
  m_thread = std::thread([this] { run(); });
}

void DnsServer::stop() {
  if (!m_thread.joinable()) return;
  const std::uint64_t one = 1;
  (void)!::write(m_stop.get(), &one, sizeof(one));
  m_thread.join();
}

void DnsServer::run() {
  std::unordered_map<std::uint16_t, Pending> pending;  // by the id sent upstream
  std::map<std::string, Cached> cache;
  std::mt19937 rng(std::random_device{}());
  std::size_t next_upstream = 0;
  std::array<std::uint8_t, k_max_datagram> buffer{};

  // A datagram back to a UDP client, a framed message to a TCP one.
  const auto reply = [&](const Asker& to, std::span<const std::uint8_t> bytes) {
    if (to.tcp_connection != 0) {
      if (m_tcp) (void)m_tcp->send(to.tcp_connection, bytes, std::chrono::steady_clock::now());
      return;
    }
    (void)::sendto(m_socket.get(), bytes.data(), bytes.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to.udp),
                   sizeof(to.udp));
  };

  const auto answer_of = [&](const std::string& name, SteadyTime now) -> Result<model::NameAnswer> {
    if (m_options.cache_lifetime.count() > 0) {
      if (const auto it = cache.find(name); it != cache.end() && it->second.until > now) return it->second.answer;
    }
    BERTH_ASSIGN(auto answer, m_lookup(name));
    if (m_options.cache_lifetime.count() > 0) {
      if (cache.size() >= m_options.max_cached) cache.clear();  // bounded; refilled at the next questions
      cache[name] = Cached{answer, now + m_options.cache_lifetime};
    }
    return answer;
  };

  // Sends `message` (a query from `asker`) on to a resolver under a fresh id.
  const auto forward = [&](std::span<std::uint8_t> message, const Asker& asker, const DnsQuery& query, SteadyTime now) {
    if (m_upstreams.empty() || pending.size() >= m_options.max_outstanding) {
      ++m_counters.refused;
      reply(asker, encode_dns_error(query.id, &query, DnsRcode::server_failure));
      return;
    }
    std::uint16_t id = 0;
    for (int tries = 0; tries < 8; ++tries) {
      id = static_cast<std::uint16_t>(rng());
      if (!pending.contains(id)) break;
    }
    if (pending.contains(id)) {
      ++m_counters.refused;
      reply(asker, encode_dns_error(query.id, &query, DnsRcode::server_failure));
      return;
    }
    set_dns_message_id(message, id);
    // The resolvers in turn: one that does not answer costs its share of questions a retry.
    const int fd = m_upstreams[next_upstream++ % m_upstreams.size()].get();
    if (::send(fd, message.data(), message.size(), MSG_DONTWAIT) < 0) {
      ++m_counters.refused;
      reply(asker, encode_dns_error(query.id, &query, DnsRcode::server_failure));
      return;
    }
    pending[id] = Pending{asker, query.id, now + m_options.forward_timeout};
    ++m_counters.forwarded;
  };

  const auto on_question = [&](std::span<std::uint8_t> message, const Asker& asker) {
    const auto now = std::chrono::steady_clock::now();
    auto query = parse_dns_query(message);
    if (!query) {
      ++m_counters.refused;
      const auto id = dns_message_id(message);
      // Never answer a response (two servers would bounce it forever) or a headerless scrap.
      if (id && (message[2] & 0x80) == 0) {
        reply(asker, encode_dns_error(*id, nullptr,
                                      query.error().code == Code::unsupported_feature ? DnsRcode::not_implemented
                                                                                     : DnsRcode::format_error));
      }
      return;
    }
    auto answer = answer_of(lowered(query->name), now);
    if (!answer) {
      ++m_counters.refused;
      log_warn("DNS: " + query->name + ": " + answer.error().message);
      reply(asker, encode_dns_error(query->id, &*query, DnsRcode::server_failure));
      return;
    }
    if (answer->outcome == model::NameAnswer::Outcome::not_ours) {
      forward(message, asker, *query, now);
      return;
    }
    ++m_counters.answered;
    const auto bytes = encode_dns_answer(*query, *answer, asker.tcp_connection != 0 ? k_dns_tcp_size : k_dns_udp_size);
    if (bytes[2] & (k_dns_flag_truncated >> 8)) ++m_counters.truncated;
    reply(asker, bytes);
  };

  // Passes one resolver's answer back to whoever asked; false once the socket has no more.
  const auto on_resolver_answer = [&](int fd) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) return false;
    if (n < 12 || static_cast<std::size_t>(n) > buffer.size()) return true;
    const auto id = dns_message_id(std::span(buffer.data(), static_cast<std::size_t>(n)));
    const auto it = pending.find(*id);
    if (it == pending.end()) return true;  // late, or not ours
    std::span<std::uint8_t> message(buffer.data(), static_cast<std::size_t>(n));
    set_dns_message_id(message, it->second.client_id);
    reply(it->second.asker, message);
    pending.erase(it);
    return true;
  };

  std::vector<pollfd> fds;
  while (true) {
    fds.clear();
    fds.push_back({m_stop.get(), POLLIN, 0});
    fds.push_back({m_socket.get(), POLLIN, 0});
    for (const auto& upstream : m_upstreams) fds.push_back({upstream.get(), POLLIN, 0});
    const std::size_t tcp_first = fds.size();
    if (m_tcp) m_tcp->poll_fds(fds);
    // Woken twice a second while anything can expire: forwarded questions, idle connections.
    const bool expiring = !pending.empty() || (m_tcp && m_tcp->size() > 0);
    if (::poll(fds.data(), fds.size(), expiring ? 500 : -1) < 0 && errno != EINTR) {
      log_error(std::string("DNS: poll: ") + std::strerror(errno));
      return;
    }
    if (fds[0].revents) return;
    // A bounded batch per wake-up, so resolvers' answers are not starved by a question flood.
    for (int i = 0; i < 64 && (fds[1].revents & POLLIN); ++i) {
      Asker asker;
      socklen_t length = sizeof(asker.udp);
      const ssize_t n = ::recvfrom(m_socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC,
                                   reinterpret_cast<sockaddr*>(&asker.udp), &length);
      if (n < 0) break;
      if (static_cast<std::size_t>(n) > buffer.size() || length != sizeof(asker.udp)) continue;
      on_question(std::span(buffer.data(), static_cast<std::size_t>(n)), asker);
    }
    for (std::size_t i = 2; i < tcp_first; ++i) {
      for (int j = 0; j < 64 && (fds[i].revents & POLLIN); ++j) {
        if (!on_resolver_answer(fds[i].fd)) break;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (m_tcp) {
      m_tcp->handle(std::span(fds).subspan(tcp_first), now, [&](std::uint64_t connection, std::span<std::uint8_t> message) {
        on_question(message, Asker{{}, connection});
      });
      m_tcp->close_idle(now);
    }
    std::erase_if(pending, [&](const auto& entry) { return entry.second.deadline <= now; });
  }
}

}  // namespace berth::runtime
