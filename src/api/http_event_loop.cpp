#include "api/http_event_loop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>
#include <unordered_map>

#include "common/bounded_worker_pool.hpp"
#include "api/http_transport.hpp"
#include "api/tls/tls_handover.hpp"
#include "api/tls/tls_server.hpp"
#include "common/log.hpp"
#include "common/thread_annotations.hpp"

namespace berth::api {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t k_wake_id = 0;
constexpr std::uint64_t k_first_connection_id = 1 << 16;  // below: listeners, by index + 1
constexpr std::size_t k_read_size = 64 * 1024;
constexpr int k_max_accepts_per_wake = 64;
// A reply buffer above this is given back to the allocator once sent. Small: each idle
// connection keeps its buffer, and a thousand joined agents' connections each kept its last poll
// reply (about 15 KB for 10 tasks); a larger reply costs one allocation, little beside encoding it.
constexpr std::size_t k_keep_output_capacity = 4 * 1024;
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

Code code_for_status(int status) {
  if (status == 413) return Code::payload_too_large;
  if (status == 400) return Code::serialization;
  return status >= 500 && status != 501 && status != 505 ? Code::server : Code::client;
}

// What the exception being handled says; for use inside a catch (...) only.
std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an unknown exception";
  }
}

std::string final_reply(int status, std::string message) {
  return serialize_response(http_error_response(status, code_for_status(status), std::move(message)), 1,
                            KeepAlive::no);
}

struct Connection {
  enum class Phase {
    handshaking,  // TLS: the handshake is not complete yet
    reading,     // reading a request (or idle between requests)
    dispatched,  // a complete request is with a worker; nothing is read meanwhile
    writing,     // sending the reply
    lingering,   // reply sent, write side shut: dropping what the client still sends
    streaming,   // a stream's head sent: its pieces follow, what the client sends is dropped
  };

  Connection(int f, std::string p, HttpPeer who, const HttpLimits& limits)
      : fd(f), peer(std::move(p)), peer_info(std::make_shared<const HttpPeer>(std::move(who))), parser(limits) {}

  int fd;
  std::string peer;  // the per-peer count's key; "" for a unix-socket peer
  std::shared_ptr<const HttpPeer> peer_info;  // handed to the handler with each request
  HttpRequestParser parser;
  Phase phase = Phase::reading;
  Clock::time_point deadline;
  std::string pending_input;  // bytes read past a complete request: the next, pipelined, one
  std::string output;
  std::size_t output_sent = 0;
  bool continue_sent = false;
  bool close_after_write = false;
  std::size_t counted_bytes = 0;  // this connection's part of the loop's buffered bytes
  std::uint32_t interest = 0;
  bool registered = false;  // added to the epoll set
  std::unique_ptr<tls::TlsSession> tls;  // null on a plain connection
  std::shared_ptr<tls::TlsServerConfig> tls_config;  // the session's, kept for a hand-over
  // Set with a 101 reply: who takes the connection once the reply is written (HttpResponse).
  std::function<void(int, std::string)> takeover;
  // Set with a streamed reply (HttpResponse::stream); counted in Impl::streams_open until closed.
  std::shared_ptr<HttpStream> stream;
  bool stream_polling = false;  // a worker is asking the stream for its next piece
};

struct Completion {
  std::uint64_t id;
  std::string bytes;
  bool keep_alive;
  std::function<void(int, std::string)> takeover;
  std::shared_ptr<HttpStream> stream;  // a reply's stream, to follow its head
  bool stream_piece = false;           // `bytes` are a stream's next piece, not a reply
  bool stream_ended = false;           // ... or the stream has ended
};

// Replies made off the loop thread (by workers, or later by whoever holds a ReplyWriter), queued
// for the loop to write. Shared with the writers, which may outlive the loop: once closed, what
// they push is dropped.
struct CompletionQueue {
  explicit CompletionQueue(int fd) : wake_fd(fd) {}
  Mutex mutex;
  std::vector<Completion> completions BERTH_GUARDED_BY(mutex);
  bool closed BERTH_GUARDED_BY(mutex) = false;
  std::atomic<bool> wake_pending{false};
  const int wake_fd;  // closed only after `closed` is set

  void push(Completion completion) {
    {
      MutexLock lock(mutex);
      if (closed) return;
      completions.push_back(std::move(completion));
      // One eventfd write per batch: the loop clears the flag when it takes the completions.
      if (wake_pending.exchange(true)) return;
      const std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof(one));
    }
  }
  void wake() {
    MutexLock lock(mutex);
    if (closed || wake_pending.exchange(true)) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof(one));
  }
};

}  // namespace

struct HttpEventLoop::Impl {
  Impl(const HttpLoopOptions& o, HttpHandler h)
      : options(o), handler(std::move(h)), pool(o.workers, o.queue_depth), read_buffer(k_read_size, '\0') {}

  HttpLoopOptions options;
  HttpHandler handler;
  BoundedWorkerPool pool;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::vector<HttpListener> listeners;
  std::thread thread;
  std::atomic<bool> stop_requested{false};
  bool stopping = false;
  bool joined = false;

  // Loop thread only.
  std::unordered_map<std::uint64_t, Connection> connections;
  std::unordered_map<std::string, std::size_t> per_peer;
  std::uint64_t next_id = k_first_connection_id;
  std::size_t buffered_bytes = 0;
  std::size_t streams_open = 0;
  std::string read_buffer;
  Clock::time_point accept_paused_until{};
  bool accept_paused = false;
  // No connection's deadline is earlier (it may be later: a deadline moved on leaves it behind).
  // expire() and wait_timeout_ms() look at every connection only once it has passed: with a
  // thousand joined agents' connections, scanning them at each wake-up was most of the loop's CPU.
  Clock::time_point earliest_deadline = Clock::time_point::min();

  // Shared with the workers and the deferred replies' writers.
  std::shared_ptr<CompletionQueue> queue;

  void run();
  void handle_event(std::uint64_t id, std::uint32_t events);
  void accept_from(HttpListener& listener);
  void set_listeners_interest(bool on);
  void reject(int fd, const std::string& why);
  void on_readable(std::uint64_t id, Connection& c);
  void advance_handshake(std::uint64_t id, Connection& c);
  void consume(std::uint64_t id, Connection& c, std::string_view bytes);
  void dispatch(std::uint64_t id, Connection& c);
  void respond(std::uint64_t id, Connection& c, std::string bytes, bool keep_alive);
  void flush(std::uint64_t id, Connection& c);
  void reply_sent(std::uint64_t id, Connection& c);
  void begin_linger(std::uint64_t id, Connection& c);
  void hand_over(std::uint64_t id, Connection& c);
  void begin_stream(std::uint64_t id, Connection& c);
  void poll_stream(std::uint64_t id, Connection& c);
  void take_stream_piece(std::uint64_t id, Connection& c, Completion& piece);
  void take_completions();
  void begin_stop();
  void expire(Clock::time_point now);
  int wait_timeout_ms(Clock::time_point now) const;
  void set_interest(std::uint64_t id, Connection& c, std::uint32_t interest);
  void update_buffered(Connection& c);
  // Sets `c`'s deadline, keeping earliest_deadline a lower bound of all of them.
  void set_deadline(Connection& c, Clock::time_point deadline) {
    c.deadline = deadline;
    earliest_deadline = std::min(earliest_deadline, deadline);
  }
  void close_connection(std::uint64_t id);
  void wake() { queue->wake(); }
  // Returns the response as bytes for connection `id` and queues them for the loop.
  static void complete(CompletionQueue& queue, std::uint64_t id, HttpResponse response, const HttpRequest& request,
                       bool keep_alive);
};

HttpEventLoop::HttpEventLoop(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpEventLoop::~HttpEventLoop() { stop(); }

Result<std::unique_ptr<HttpEventLoop>> HttpEventLoop::start(std::vector<HttpListener> listeners,
                                                            const HttpLoopOptions& options, HttpHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  impl->listeners = std::move(listeners);
  const auto close_all = [&impl] {
    impl->pool.stop();
    for (auto& l : impl->listeners) ::close(l.fd);
    if (impl->epoll_fd >= 0) ::close(impl->epoll_fd);
    if (impl->wake_fd >= 0) ::close(impl->wake_fd);
  };
  impl->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  impl->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl->epoll_fd < 0 || impl->wake_fd < 0) {
    auto error = sys_fail("cannot set up the API's event loop");
    close_all();
    return error;
  }
  impl->queue = std::make_shared<CompletionQueue>(impl->wake_fd);
  epoll_event wake_event{EPOLLIN, {.u64 = k_wake_id}};
  bool ok = ::epoll_ctl(impl->epoll_fd, EPOLL_CTL_ADD, impl->wake_fd, &wake_event) == 0;
  for (std::size_t i = 0; ok && i < impl->listeners.size(); ++i) {
    epoll_event listen_event{EPOLLIN, {.u64 = i + 1}};
    ok = ::epoll_ctl(impl->epoll_fd, EPOLL_CTL_ADD, impl->listeners[i].fd, &listen_event) == 0;
  }
  if (!ok) {
    auto error = sys_fail("cannot watch the API's sockets");
    close_all();
    return error;
  }
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<HttpEventLoop>(new HttpEventLoop(std::move(impl)));
}

void HttpEventLoop::stop() {
  if (!m_impl || m_impl->joined) return;
  m_impl->joined = true;
  m_impl->stop_requested = true;
  m_impl->wake();
  m_impl->thread.join();
  // Jobs still queued belong to connections already closed: they run (a write completes as the
  // client asked) and their replies are dropped.
  m_impl->pool.stop();
  {
    // Writers of deferred replies still held elsewhere drop what they send from now on.
    MutexLock lock(m_impl->queue->mutex);
    m_impl->queue->closed = true;
  }
  ::close(m_impl->epoll_fd);
  ::close(m_impl->wake_fd);
}

void HttpEventLoop::Impl::run() {
  std::vector<epoll_event> events(64);
  while (!(stopping && connections.empty())) {
    const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_timeout_ms(Clock::now()));
    if (n < 0 && errno != EINTR) {
      log_error(std::string("the API's event loop failed: ") + std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t id = events[i].data.u64;
      try {
        handle_event(id, events[i].events);
      } catch (...) {
        // Only allocation can throw here: drop the one connection, keep serving the rest.
        log_error("API connection dropped: " + current_exception_text());
        if (id >= k_first_connection_id) close_connection(id);
      }
    }
    try {
      if (stop_requested && !stopping) begin_stop();
      expire(Clock::now());
    } catch (...) {
      log_error("API event loop: " + current_exception_text());
    }
  }
}

void HttpEventLoop::Impl::handle_event(std::uint64_t id, std::uint32_t events) {
  if (id == k_wake_id) {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(wake_fd, &count, sizeof(count));
    take_completions();
    return;
  }
  if (id < k_first_connection_id) {
    if (!stopping) accept_from(listeners[id - 1]);
    return;
  }
  const auto it = connections.find(id);
  if (it == connections.end()) return;
  Connection& c = it->second;
  if (events & EPOLLERR) return close_connection(id);
  const bool reads = c.phase == Connection::Phase::reading || c.phase == Connection::Phase::lingering ||
                     c.phase == Connection::Phase::streaming;
  if ((events & EPOLLHUP) && !reads) return close_connection(id);
  if (c.phase == Connection::Phase::handshaking) return advance_handshake(id, c);
  if (events & EPOLLOUT) {
    flush(id, c);
    if (!connections.contains(id)) return;
  }
  if (c.phase == Connection::Phase::dispatched) return set_interest(id, c, 0);  // pipelined bytes wait
  if (events & (EPOLLIN | EPOLLHUP)) on_readable(id, c);
}

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

void HttpEventLoop::Impl::on_readable(std::uint64_t id, Connection& c) {
  while (true) {
    // A lingering or streaming connection's input is dropped unread, so TLS need not decrypt it.
    const bool drop = c.phase == Connection::Phase::lingering || c.phase == Connection::Phase::streaming;
    const ssize_t n = transport_receive(c.fd, drop ? nullptr : c.tls.get(), read_buffer.data(), read_buffer.size());
    if (n < 0) return;
    if (n == 0) return close_connection(id);  // the client is gone: a partial request has no one to answer
    if (drop) return;  // dropped: the reply said the connection closes, or a stream reads nothing
    if (c.phase != Connection::Phase::reading) return;
    consume(id, c, std::string_view(read_buffer.data(), static_cast<std::size_t>(n)));
    // Bytes the TLS session holds (read ahead from the socket) are invisible to epoll: read them now.
    const auto it = connections.find(id);
    if (it == connections.end() || !it->second.tls || it->second.phase != Connection::Phase::reading ||
        !it->second.tls->has_pending_input()) {
      return;
    }
  }
}

void HttpEventLoop::Impl::advance_handshake(std::uint64_t id, Connection& c) {
  const auto result = c.tls->handshake();
  switch (result.status) {
    case tls::TlsStatus::ok:
      c.phase = Connection::Phase::reading;
      set_deadline(c, Clock::now() + options.request_timeout);
      set_interest(id, c, EPOLLIN);
      if (c.tls->has_pending_input()) on_readable(id, c);
      return;
    case tls::TlsStatus::want_read:
      return set_interest(id, c, EPOLLIN);
    case tls::TlsStatus::want_write:
      return set_interest(id, c, EPOLLOUT);
    case tls::TlsStatus::failed:
      // Scanners and plain-HTTP clients end here: not worth more than a debug line.
      log_debug("API: " + result.error);
      return close_connection(id);
    case tls::TlsStatus::closed:
      return close_connection(id);
  }
}

void HttpEventLoop::Impl::consume(std::uint64_t id, Connection& c, std::string_view bytes) {
  const bool was_idle = c.parser.state() == HttpRequestParser::State::idle;
  const std::size_t used = c.parser.feed(bytes);
  if (was_idle && c.parser.state() != HttpRequestParser::State::idle) {
    set_deadline(c, Clock::now() + options.request_timeout);
  }
  update_buffered(c);
  switch (c.parser.state()) {
    case HttpRequestParser::State::failed:
      return respond(id, c, final_reply(c.parser.error().status, c.parser.error().message), false);
    case HttpRequestParser::State::complete:
      c.pending_input.assign(bytes.substr(used));
      update_buffered(c);
      return dispatch(id, c);
    case HttpRequestParser::State::body:
    case HttpRequestParser::State::head:
      if (buffered_bytes > options.max_buffered_bytes) {
        return respond(id, c, final_reply(503, "The API is reading too many large requests; retry later."), false);
      }
      if (c.parser.expects_continue() && !c.continue_sent) {
        c.continue_sent = true;
        c.output = k_continue_line;
        c.output_sent = 0;
        flush(id, c);
      }
      return;
    case HttpRequestParser::State::idle:
      return;
  }
}

void HttpEventLoop::Impl::dispatch(std::uint64_t id, Connection& c) {
  auto request = std::make_shared<HttpRequest>(c.parser.take());
  update_buffered(c);
  // Reading stays armed: a client that waits for its reply sends nothing meanwhile, and the first
  // byte of a pipelined request disarms it (handle_event), so most requests cost no epoll_ctl.
  c.phase = Connection::Phase::dispatched;
  set_deadline(c, Clock::now() + options.handler_timeout);
  const bool submitted = pool.try_submit([this, id, request, who = c.peer_info, queue = queue] {
    const bool keep_alive = request->keep_alive && !stop_requested;
    HttpResponse response;
    try {
      response = handler(*request, *who);
      if (response.defer) {
        // The reply comes later, from whoever calls the writer; this worker is free now.
        auto defer = std::move(response.defer);
        defer([queue, id, request, keep_alive](HttpResponse later) {
          complete(*queue, id, std::move(later), *request, keep_alive);
        });
        return;
      }
    } catch (const std::exception& e) {
      log_error(request->method + " " + request->target + " threw: " + e.what());
      response = http_error_response(500, Code::server, "Internal error while handling the request.");
    } catch (...) {
      log_error(request->method + " " + request->target + " threw");
      response = http_error_response(500, Code::server, "Internal error while handling the request.");
    }
    complete(*queue, id, std::move(response), *request, keep_alive);
  });
  if (!submitted) {
    respond(id, c, final_reply(503, "The API is busy with other requests; retry later."), false);
  }
}

void HttpEventLoop::Impl::complete(CompletionQueue& queue, std::uint64_t id, HttpResponse response,
                                   const HttpRequest& request, bool keep_alive) {
  const BodyOmitted omitted = request.method == "HEAD" ? BodyOmitted::yes : BodyOmitted::no;
  if (omitted == BodyOmitted::yes) response.stream = nullptr;
  std::string bytes =
      serialize_response(response, request.minor_version, keep_alive ? KeepAlive::yes : KeepAlive::no, omitted);
  const bool streamed = response.stream != nullptr;
  queue.push({id, std::move(bytes), keep_alive && !streamed, std::move(response.takeover), std::move(response.stream)});
}

void HttpEventLoop::Impl::take_completions() {
  std::vector<Completion> done;
  {
    MutexLock lock(queue->mutex);
    done.swap(queue->completions);
    // Cleared under the lock: a writer that still sees it set has pushed before this swap.
    queue->wake_pending = false;
  }
  for (auto& completion : done) {
    const auto it = connections.find(completion.id);
    if (it == connections.end()) continue;  // the client left while its request ran
    try {
      if (completion.stream_piece) {
        take_stream_piece(completion.id, it->second, completion);
        continue;
      }
      if (completion.stream && streams_open >= options.max_streams) {
        completion.bytes = final_reply(503, "The API has " + std::to_string(options.max_streams) +
                                                " event streams open (dashboards, log tails); close one or retry later.");
        completion.keep_alive = false;
      } else if (completion.stream) {
        it->second.stream = std::move(completion.stream);
        ++streams_open;
      }
      // A unix-socket connection is handed over as it is, a TLS one through a relay of its
      // session (tls_handover.hpp); plain TCP never (an exec session's frames in the clear).
      const auto transport = it->second.peer_info->transport;
      if (transport != HttpPeer::Transport::tcp) it->second.takeover = std::move(completion.takeover);
      respond(completion.id, it->second, std::move(completion.bytes), completion.keep_alive);
    } catch (...) {
      // This reply is lost, so its connection goes; the other completions are still answered.
      log_error("API connection dropped: " + current_exception_text());
      close_connection(completion.id);
    }
  }
}

void HttpEventLoop::Impl::respond(std::uint64_t id, Connection& c, std::string bytes, bool keep_alive) {
  c.phase = Connection::Phase::writing;
  // A 100 Continue may still be on its way out: the reply goes after it.
  if (c.output_sent < c.output.size()) {
    c.output.erase(0, c.output_sent);
    c.output += bytes;
  } else {
    c.output = std::move(bytes);
  }
  c.output_sent = 0;
  c.close_after_write = !keep_alive || stopping;
  // A client that does not read its reply is dropped like one that does not send its request.
  set_deadline(c, Clock::now() + options.request_timeout);
  flush(id, c);
}

void HttpEventLoop::Impl::flush(std::uint64_t id, Connection& c) {
  while (c.output_sent < c.output.size()) {
    const ssize_t n =
        transport_send(c.fd, c.tls.get(), c.output.data() + c.output_sent, c.output.size() - c.output_sent);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const std::uint32_t reading = c.phase == Connection::Phase::reading ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
      return set_interest(id, c, static_cast<std::uint32_t>(EPOLLOUT) | reading);
    }
    if (n < 0) return close_connection(id);
    c.output_sent += static_cast<std::size_t>(n);
  }
  c.output.clear();
  c.output_sent = 0;
  if (c.output.capacity() > k_keep_output_capacity) std::string().swap(c.output);
  if (c.phase == Connection::Phase::writing) return reply_sent(id, c);
  if (c.phase == Connection::Phase::streaming) set_deadline(c, Clock::now() + options.stream_poll_interval);
  set_interest(id, c, EPOLLIN);  // a 100 Continue went out; the body is still being read
}

void HttpEventLoop::Impl::reply_sent(std::uint64_t id, Connection& c) {
  if (c.takeover && !stopping) return hand_over(id, c);
  if (c.stream && !stopping) return begin_stream(id, c);
  if (c.close_after_write || stopping) return begin_linger(id, c);
  c.phase = Connection::Phase::reading;
  c.continue_sent = false;
  set_deadline(c, Clock::now() + options.idle_timeout);
  set_interest(id, c, EPOLLIN);
  if (!c.pending_input.empty()) {
    const std::string pipelined = std::move(c.pending_input);
    c.pending_input.clear();
    consume(id, c, pipelined);
    const auto it = connections.find(id);
    if (it == connections.end() || it->second.phase != Connection::Phase::reading) return;
  }
  // A pipelined request may wait inside the TLS session, where epoll does not see it.
  if (c.tls && c.tls->has_pending_input()) on_readable(id, c);
}

void HttpEventLoop::Impl::hand_over(std::uint64_t id, Connection& c) {
  auto takeover = std::move(c.takeover);
  std::string early_input = std::move(c.pending_input);
  ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
  c.registered = false;
  const int fd = std::exchange(c.fd, -1);
  auto session = std::move(c.tls);
  auto session_config = std::move(c.tls_config);
  close_connection(id);
  try {
    if (session) return tls::hand_over_tls(fd, std::move(session), std::move(session_config), takeover, std::move(early_input));
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    takeover(fd, std::move(early_input));
  } catch (...) {
    // The socket was the takeover's from the call on: it is not closed here (its number may
    // already be another thread's file).
    log_error("API connection hand-over failed: " + current_exception_text());
  }
}

void HttpEventLoop::Impl::begin_stream(std::uint64_t id, Connection& c) {
  c.phase = Connection::Phase::streaming;
  c.parser = HttpRequestParser(options.limits);
  std::string().swap(c.pending_input);
  update_buffered(c);
  // The first piece is asked for at once: what happened between the head and the first poll.
  set_deadline(c, Clock::now());
  set_interest(id, c, EPOLLIN);
}

// Called by expire() when a streaming connection's deadline is due.
void HttpEventLoop::Impl::poll_stream(std::uint64_t id, Connection& c) {
  if (c.stream_polling) {
    log_error("API: a stream gave no piece within " + std::to_string(options.handler_timeout.count()) +
              " ms; its connection is closed.");
    return close_connection(id);
  }
  // A client that reads nothing of its stream for a request timeout is gone for our purposes.
  if (c.output_sent < c.output.size()) return close_connection(id);
  const bool submitted = pool.try_submit([id, stream = c.stream, queue = queue] {
    Completion piece{id, "", false, {}, {}, true, false};
    try {
      auto next = stream->next();
      piece.stream_ended = !next;
      if (next) piece.bytes = std::move(*next);
    } catch (const std::exception& e) {
      log_error(std::string("API: a stream failed: ") + e.what());
      piece.stream_ended = true;
    } catch (...) {
      piece.stream_ended = true;
    }
    queue->push(std::move(piece));
  });
  if (!submitted) {
    // The workers are busy with requests: they come first, the stream is asked next time.
    set_deadline(c, Clock::now() + options.stream_poll_interval);
    return;
  }
  c.stream_polling = true;
  set_deadline(c, Clock::now() + options.handler_timeout);
}

void HttpEventLoop::Impl::take_stream_piece(std::uint64_t id, Connection& c, Completion& piece) {
  if (c.phase != Connection::Phase::streaming) return;
  c.stream_polling = false;
  if (piece.stream_ended || stopping) return begin_linger(id, c);
  set_deadline(c, Clock::now() + (piece.bytes.empty() ? options.stream_poll_interval : options.request_timeout));
  if (piece.bytes.empty()) return;
  c.output = std::move(piece.bytes);
  c.output_sent = 0;
  flush(id, c);
}

void HttpEventLoop::Impl::begin_linger(std::uint64_t id, Connection& c) {
  if (stopping) return close_connection(id);
  if (c.tls) c.tls->close_notify();
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::lingering;
  c.parser = HttpRequestParser(options.limits);
  std::string().swap(c.pending_input);
  update_buffered(c);
  set_deadline(c, Clock::now() + options.linger_timeout);
  set_interest(id, c, EPOLLIN);
}

void HttpEventLoop::Impl::begin_stop() {
  stopping = true;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listeners[i].fd, nullptr);
    ::close(listeners[i].fd);
  }
  listeners.clear();
  std::vector<std::uint64_t> idle;
  for (auto& [id, c] : connections) {
    const auto state = c.parser.state();
    const bool no_request = c.phase == Connection::Phase::reading &&
                            (state == HttpRequestParser::State::idle || state == HttpRequestParser::State::head);
    if (no_request || c.phase == Connection::Phase::lingering || c.phase == Connection::Phase::handshaking ||
        c.phase == Connection::Phase::streaming) {
      idle.push_back(id);
    }
  }
  for (const auto id : idle) close_connection(id);
}

void HttpEventLoop::Impl::expire(Clock::time_point now) {
  if (accept_paused && !stopping && now >= accept_paused_until) set_listeners_interest(true);
  if (now < earliest_deadline) return;
  // The bound is found again; deadlines set while the due ones are handled lower it as they come.
  earliest_deadline = Clock::time_point::max();
  std::vector<std::uint64_t> due;
  for (const auto& [id, c] : connections) {
    if (now >= c.deadline) {
      due.push_back(id);
    } else {
      earliest_deadline = std::min(earliest_deadline, c.deadline);
    }
  }
  for (const auto id : due) {
    Connection& c = connections.at(id);
    if (c.phase == Connection::Phase::streaming) {
      poll_stream(id, c);
      continue;
    }
    if (c.phase == Connection::Phase::dispatched) {
      log_error("API: a request had no reply within " + std::to_string(options.handler_timeout.count()) +
                " ms; its connection is closed.");
      close_connection(id);
      continue;
    }
    const bool mid_request = c.phase == Connection::Phase::reading && c.parser.state() != HttpRequestParser::State::idle;
    if (!mid_request) {
      close_connection(id);
      continue;
    }
    respond(id, c, final_reply(408, "The request was not received within " +
                                        std::to_string(options.request_timeout.count() / 1000) + " seconds."),
            false);
  }
}

int HttpEventLoop::Impl::wait_timeout_ms(Clock::time_point now) const {
  auto next = Clock::time_point::max();
  if (accept_paused) next = accept_paused_until;
  if (!connections.empty()) next = std::min(next, earliest_deadline);
  if (next == Clock::time_point::max()) return -1;
  if (next <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
  return static_cast<int>(std::min<long long>(ms, 60'000));
}

void HttpEventLoop::Impl::set_interest(std::uint64_t id, Connection& c, std::uint32_t interest) {
  if (c.registered && c.interest == interest) return;
  epoll_event event{interest, {.u64 = id}};
  if (::epoll_ctl(epoll_fd, c.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &event) != 0) {
    // Closed by expire() on this pass: callers still hold `c`, so it must not go away here.
    log_warn(std::string("API: cannot watch a connection: ") + std::strerror(errno));
    c.phase = Connection::Phase::lingering;
    set_deadline(c, Clock::time_point::min());
    return;
  }
  c.registered = true;
  c.interest = interest;
}

void HttpEventLoop::Impl::update_buffered(Connection& c) {
  const std::size_t now_buffered = c.parser.buffered_bytes() + c.pending_input.capacity() +
                                   (c.tls ? tls::TlsSession::memory_bytes() : 0);
  buffered_bytes = buffered_bytes - c.counted_bytes + now_buffered;
  c.counted_bytes = now_buffered;
}

void HttpEventLoop::Impl::close_connection(std::uint64_t id) {
  const auto it = connections.find(id);
  if (it == connections.end()) return;
  Connection& c = it->second;
  if (c.fd >= 0) {  // -1: handed over (hand_over)
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
  }
  buffered_bytes -= c.counted_bytes;
  if (c.stream) --streams_open;
  if (!c.peer.empty()) {
    const auto peer = per_peer.find(c.peer);
    if (peer != per_peer.end() && --peer->second == 0) per_peer.erase(peer);
  }
  connections.erase(it);
}

}  // namespace berth::api
