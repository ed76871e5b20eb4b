// Connection bookkeeping of HttpEventLoop: what each phase's deadline does when it falls due, how
// long epoll may sleep, which events a connection waits for, the buffered bytes it counts, and
// closing it (idle ones at stop()).
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/http_event_loop_impl.hpp"
#include "common/log.hpp"

namespace berth::api {

using http_loop::final_reply;

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
