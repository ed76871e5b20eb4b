// The event loop's way back from other threads: replies made by workers, or later by whoever holds
// a parked long poll's ReplyWriter, and streams' next pieces, queued for the loop thread to write.
// Internal to the event loop (http_event_loop*.cpp). Thread-safe; shared with the writers, which
// may outlive the loop: once closed, what they push is dropped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/http_event_loop.hpp"
#include "common/thread_annotations.hpp"

namespace berth::api::http_loop {

struct Completion {
  std::uint64_t id;  // the connection's
  std::string bytes;
  bool keep_alive;
  std::function<void(int, std::string)> takeover;
  std::shared_ptr<HttpStream> stream;  // a reply's stream, to follow its head
  bool stream_piece = false;           // `bytes` are a stream's next piece, not a reply
  bool stream_ended = false;           // ... or the stream has ended
};

class CompletionQueue {
 public:
  // `wake_fd`: the loop's eventfd, written once per batch; it stays open until close() returns.
  explicit CompletionQueue(int wake_fd) : m_wake_fd(wake_fd) {}

  // Queues `completion` and wakes the loop; dropped after close().
  void push(Completion completion);
  // Wakes the loop with nothing queued (stop()); nothing after close().
  void wake();
  // Returns what was queued since the last call (loop thread).
  std::vector<Completion> take();
  // From now on push() and wake() do nothing, so the loop may close the eventfd.
  void close();

 private:
  void wake_locked() BERTH_REQUIRES(m_mutex);

  Mutex m_mutex;
  std::vector<Completion> m_completions BERTH_GUARDED_BY(m_mutex);
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;
  std::atomic<bool> m_wake_pending{false};
  const int m_wake_fd;
};

// Queues `response` as the bytes that answer `request` on connection `id`: framed for its HTTP
// version and `keep_alive`, a stream's head without keep-alive, a HEAD's without body or stream.
void complete(CompletionQueue& queue, std::uint64_t id, HttpResponse response, const HttpRequest& request,
              bool keep_alive);

// A worker's job for a complete request: runs `handler` and queues its reply (a throw is a 500
// ServerException), or for a deferred reply hands the handler a ReplyWriter that queues it later.
void answer(const HttpHandler& handler, const std::shared_ptr<CompletionQueue>& queue, std::uint64_t id,
            const std::shared_ptr<const HttpRequest>& request, const HttpPeer& who, bool keep_alive);

}  // namespace berth::api::http_loop
