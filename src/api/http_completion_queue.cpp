#include "api/http_completion_queue.hpp"

#include <unistd.h>

#include <exception>

#include "common/log.hpp"

namespace berth::api::http_loop {

void CompletionQueue::push(Completion completion) {
  MutexLock lock(m_mutex);
  if (m_closed) return;
  m_completions.push_back(std::move(completion));
  wake_locked();
}

void CompletionQueue::wake() {
  MutexLock lock(m_mutex);
  if (m_closed) return;
  wake_locked();
}

void CompletionQueue::wake_locked() {
  // One eventfd write per batch: take() clears the flag when the loop takes the completions.
  if (m_wake_pending.exchange(true)) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(m_wake_fd, &one, sizeof(one));
}

std::vector<Completion> CompletionQueue::take() {
  std::vector<Completion> done;
  MutexLock lock(m_mutex);
  done.swap(m_completions);
  // Cleared under the lock: a writer that still sees it set has pushed before this swap.
  m_wake_pending = false;
  return done;
}

void CompletionQueue::close() {
  MutexLock lock(m_mutex);
  m_closed = true;
}

void complete(CompletionQueue& queue, std::uint64_t id, HttpResponse response, const HttpRequest& request,
              bool keep_alive) {
  const BodyOmitted omitted = request.method == "HEAD" ? BodyOmitted::yes : BodyOmitted::no;
  if (omitted == BodyOmitted::yes) response.stream = nullptr;
  std::string bytes =
      serialize_response(response, request.minor_version, keep_alive ? KeepAlive::yes : KeepAlive::no, omitted);
  const bool streamed = response.stream != nullptr;
  queue.push({id, std::move(bytes), keep_alive && !streamed, std::move(response.takeover), std::move(response.stream)});
}

void answer(const HttpHandler& handler, const std::shared_ptr<CompletionQueue>& queue, std::uint64_t id,
            const std::shared_ptr<const HttpRequest>& request, const HttpPeer& who, bool keep_alive) {
  HttpResponse response;
  try {
    response = handler(*request, who);
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
}

}  // namespace berth::api::http_loop
