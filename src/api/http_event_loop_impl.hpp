// HttpEventLoop's state and steps, shared by the files that implement them: http_event_loop.cpp
// (start, stop, the loop, reading requests and writing replies), http_event_loop_accept.cpp
// (new connections and their limits), http_event_loop_streams.cpp (the streaming phase) and
// http_event_loop_connections.cpp (deadlines, epoll interest, buffered bytes, closing). Internal
// to those files. Everything runs on the loop thread except what the comments name.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http_completion_queue.hpp"
#include "api/http_connection.hpp"
#include "api/http_event_loop.hpp"
#include "common/bounded_worker_pool.hpp"

namespace berth::api {

namespace http_loop {

inline constexpr std::uint64_t k_wake_id = 0;
inline constexpr std::uint64_t k_first_connection_id = 1 << 16;  // below: listeners, by index + 1
inline constexpr std::size_t k_read_size = 64 * 1024;

// Returns a final error reply (Connection: close) with `status` and `message`.
std::string final_reply(int status, std::string message);

// What the exception being handled says; for use inside a catch (...) only.
std::string current_exception_text();

}  // namespace http_loop

struct HttpEventLoop::Impl {
  using Clock = http_loop::Clock;
  using Connection = http_loop::Connection;
  using Completion = http_loop::Completion;

  Impl(const HttpLoopOptions& o, HttpHandler h)
      : options(o), handler(std::move(h)), pool(o.workers, o.queue_depth), read_buffer(http_loop::k_read_size, '\0') {}

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
  std::uint64_t next_id = http_loop::k_first_connection_id;
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
  std::shared_ptr<http_loop::CompletionQueue> queue;

  // http_event_loop.cpp
  void run();
  void handle_event(std::uint64_t id, std::uint32_t events);
  void on_readable(std::uint64_t id, Connection& c);
  void advance_handshake(std::uint64_t id, Connection& c);
  void consume(std::uint64_t id, Connection& c, std::string_view bytes);
  void dispatch(std::uint64_t id, Connection& c);
  void take_completions();
  void respond(std::uint64_t id, Connection& c, std::string bytes, bool keep_alive);
  void flush(std::uint64_t id, Connection& c);
  void reply_sent(std::uint64_t id, Connection& c);
  void hand_over(std::uint64_t id, Connection& c);
  void begin_linger(std::uint64_t id, Connection& c);
  void wake() { queue->wake(); }
  // http_event_loop_accept.cpp
  void accept_from(HttpListener& listener);
  void set_listeners_interest(bool on);
  void reject(int fd, const std::string& why);
  // http_event_loop_streams.cpp
  // A reply with a stream: with max_streams open, `completion` becomes a 503 that closes;
  // otherwise `c` takes the stream, counted in streams_open.
  void admit_stream(Connection& c, Completion& completion);
  void begin_stream(std::uint64_t id, Connection& c);
  void poll_stream(std::uint64_t id, Connection& c);
  void take_stream_piece(std::uint64_t id, Connection& c, Completion& piece);
  // http_event_loop_connections.cpp
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
};

}  // namespace berth::api
