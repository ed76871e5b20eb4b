// The TCP side of berth's DNS server (RFC 7766): the listening socket and the connections it
// accepted, each read through a DnsTcpReader and written from a queue, driven by the server's
// poll loop (no thread of its own, none per connection). Bounded: at most `max_connections` (a
// connection over that is closed as it is accepted), each closed after `idle_timeout` without a
// question or an answer, at a message over `max_message` bytes, or when its unsent answers pass
// `max_unsent` (a client that asks without reading; it is not read from while over half that).
// Questions may be pipelined; answers go out as they are ready, matched by their ids. Not
// thread-safe: the server's thread only.
#pragma once

#include <netinet/in.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/network/dns_tcp_framing.hpp"

namespace berth::runtime {

struct DnsTcpLimits {
  std::size_t max_connections = 64;
  // RFC 7766 6.2.3 asks for seconds, not minutes: a resolver opens a connection per retry anyway.
  std::chrono::milliseconds idle_timeout{10000};
  std::size_t max_message = 4096;  // a question: stub resolvers send under 300 bytes
  std::size_t max_unsent = 256 * 1024;
};

// Counted as they happen (before the close a client sees); read from any thread.
struct DnsTcpCounters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> rejected{0};  // over max_connections, or closed for a limit
};

class DnsTcpConnections {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  // Called with each whole message a connection sent (a question, or not: the caller checks).
  using OnMessage = std::function<void(std::uint64_t connection, std::span<std::uint8_t> message)>;

  // Listens on `address` (bound before an interface has it, as the UDP socket is). `counters`
  // must outlive the connections.
  [[nodiscard]] static Result<DnsTcpConnections> listen(const sockaddr_in& address, DnsTcpLimits limits,
                                                        DnsTcpCounters& counters);

  // Appends what to poll: the listening socket, then each connection (POLLIN while it may be
  // read, POLLOUT while answers wait). handle() takes the same entries back.
  void poll_fds(std::vector<pollfd>& fds);
  // Acts on what poll() said of the entries poll_fds() appended (`fds` starts at the first):
  // accepts, reads (calling `on_message` for each whole message), writes, closes.
  void handle(std::span<const pollfd> fds, SteadyTime now, const OnMessage& on_message);
  // Queues `message` (at most 65535 bytes) framed on `connection` and writes what it can now.
  // False if the connection is gone (closed, or closing now for too much unsent).
  bool send(std::uint64_t connection, std::span<const std::uint8_t> message, SteadyTime now);
  // Closes the connections idle for longer than the limit.
  void close_idle(SteadyTime now);

  std::size_t size() const { return m_connections.size(); }

 private:
  struct Connection {
    UniqueFd fd;
    DnsTcpReader reader;
    std::vector<std::uint8_t> unsent;
    SteadyTime last_active;
    bool closing = false;  // the peer is done sending: close once the answers are out
    bool dead = false;     // to be closed (erased outside any loop over the connections)
  };
  DnsTcpConnections(UniqueFd listener, DnsTcpLimits limits, DnsTcpCounters& counters)
      : m_listener(std::move(listener)), m_limits(limits), m_counters(&counters) {}
  void accept_all(SteadyTime now);
  // Reads once; false when the connection is to be closed.
  bool read_from(std::uint64_t id, Connection& c, SteadyTime now, const OnMessage& on_message);
  // Writes what the socket takes; false when the connection is to be closed.
  static bool flush(Connection& c);

  UniqueFd m_listener;
  DnsTcpLimits m_limits;
  std::map<std::uint64_t, Connection> m_connections;
  std::vector<std::uint64_t> m_polled;  // the connections poll_fds() appended, in order
  DnsTcpCounters* m_counters;
  std::uint64_t m_next_id = 1;
};

}  // namespace berth::runtime
