// berth's DNS server for containers: answers the names of Cloud Map DNS namespaces from a lookup
// (A and SRV, NXDOMAIN for unknown names there) and forwards every other question to the host's
// resolvers. Over UDP and over TCP on the same address and port (RFC 7766): a UDP answer that
// does not fit in 512 bytes has TC set and the resolver asks again over TCP, which gets every
// record (dns_tcp_connections.hpp for its bounds). Questions that came over TCP are forwarded over
// UDP too (the resolvers' connected sockets), their answers framed back: an answer a resolver
// truncated reaches the client truncated. One thread (a poll loop); bounded: at most
// `max_outstanding` forwarded questions wait for an answer (more are answered SERVFAIL), each at
// most `forward_timeout` (then forgotten: the client asks again), answers are cached per name for
// `cache_lifetime` in at most `max_cached` entries. Thread-safe: start and stop from one thread;
// the lookup runs on the server's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "model/service_discovery.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/network/dns_tcp_connections.hpp"

namespace berth::runtime {

struct DnsServerOptions {
  std::string address;  // IPv4 to listen on; bound even before an interface has it (IP_FREEBIND)
  int port = 53;        // 0 = any free port (tests)
  std::vector<std::string> upstreams;  // resolvers' IPv4 or IPv6 addresses (port 53), at most 3
  int upstream_port = 53;
  std::size_t max_outstanding = 256;
  std::chrono::milliseconds forward_timeout{4000};
  // An answer is reused this long: a question burst costs one lookup, and a task's change shows
  // within this plus the lookup's own delay.
  std::chrono::milliseconds cache_lifetime{250};
  std::size_t max_cached = 1024;
  DnsTcpLimits tcp;
};

// Answers a name, or says it is not berth's (then it is forwarded).
using DnsLookup = std::function<Result<model::NameAnswer>(std::string_view name)>;

struct DnsCounters {
  std::atomic<std::uint64_t> answered{0};   // from the lookup
  std::atomic<std::uint64_t> forwarded{0};  // sent on to a resolver
  std::atomic<std::uint64_t> refused{0};    // malformed, over the forwarding bound, lookup failed
  std::atomic<std::uint64_t> truncated{0};  // answered over UDP with TC set
  DnsTcpCounters tcp;
};

class DnsServer {
 public:
  // Binds the UDP and TCP sockets (the same port; with port 0, one free for both) and the
  // upstream sockets (so whoever tells containers of the server knows it listens); nothing is
  // answered before start(). A TCP port that cannot be bound costs TCP only (logged).
  [[nodiscard]] static Result<std::unique_ptr<DnsServer>> bind(DnsServerOptions options);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Starts answering, with `lookup` (called on the server's thread). Once.
  void start(DnsLookup lookup);
  // Ends the thread. Idempotent.
  void stop();
  int port() const { return m_port; }
  const std::string& address() const { return m_options.address; }
  const DnsCounters& counters() const { return m_counters; }

 private:
  explicit DnsServer(DnsServerOptions options) : m_options(std::move(options)) {}
  void run();

  DnsServerOptions m_options;
  DnsLookup m_lookup;
  UniqueFd m_socket;
  std::optional<DnsTcpConnections> m_tcp;  // none when its port could not be bound
  std::vector<UniqueFd> m_upstreams;  // one connected socket per resolver
  UniqueFd m_stop;                    // eventfd written by stop()
  int m_port = 0;
  DnsCounters m_counters;
  std::thread m_thread;
};

}  // namespace berth::runtime
