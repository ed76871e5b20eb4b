#include "api/http_event_loop.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "api/http_event_loop_impl.hpp"
#include "api/http_transport.hpp"
#include "api/tls/tls_handover.hpp"
#include "api/tls/tls_server.hpp"
#include "common/log.hpp"

namespace berth::api {
namespace http_loop {
namespace {

Code code_for_status(int status) {
  if (status == 413) return Code::payload_too_large;
  if (status == 400) return Code::serialization;
  return status >= 500 && status != 501 && status != 505 ? Code::server : Code::client;
}

}  // namespace

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

}  // namespace http_loop

namespace {

using http_loop::current_exception_text;
using http_loop::final_reply;
using http_loop::k_first_connection_id;
using http_loop::k_wake_id;

// A reply buffer above this is given back to the allocator once sent. Small: each idle
// connection keeps its buffer, and a thousand joined agents' connections each kept its last poll
// reply (about 15 KB for 10 tasks); a larger reply costs one allocation, little beside encoding it.
constexpr std::size_t k_keep_output_capacity = 4 * 1024;

}  // namespace

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
  impl->queue = std::make_shared<http_loop::CompletionQueue>(impl->wake_fd);
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
  // Writers of deferred replies still held elsewhere drop what they send from now on.
  m_impl->queue->close();
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
  auto request = std::make_shared<const HttpRequest>(c.parser.take());
  update_buffered(c);
  // Reading stays armed: a client that waits for its reply sends nothing meanwhile, and the first
  // byte of a pipelined request disarms it (handle_event), so most requests cost no epoll_ctl.
  c.phase = Connection::Phase::dispatched;
  set_deadline(c, Clock::now() + options.handler_timeout);
  const bool submitted = pool.try_submit([this, id, request, who = c.peer_info, queue = queue] {
    http_loop::answer(handler, queue, id, request, *who, request->keep_alive && !stop_requested);
  });
  if (!submitted) {
    respond(id, c, final_reply(503, "The API is busy with other requests; retry later."), false);
  }
}

void HttpEventLoop::Impl::take_completions() {
  for (auto& completion : queue->take()) {
    const auto it = connections.find(completion.id);
    if (it == connections.end()) continue;  // the client left while its request ran
    try {
      if (completion.stream_piece) {
        take_stream_piece(completion.id, it->second, completion);
        continue;
      }
      if (completion.stream) admit_stream(it->second, completion);
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
}  // namespace berth::api
