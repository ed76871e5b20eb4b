// Work the agent runs off its own thread (image pulls, health checks) on a bounded JobQueue: the
// result comes back as a future the agent polls each pass, and anything the work throws becomes
// its error, so nothing is rethrown on the agent's thread. Thread-safe as the queue is.
#pragma once

#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "common/bounded_worker_pool.hpp"
#include "common/log.hpp"
#include "common/result.hpp"

namespace berth::agent {

// Queues `work` (returning a Result) and returns the future of its result, or nothing if the
// queue refused it (full or stopping): the caller tries again on a later pass. `what` names the
// work in the log when it throws.
template <class Work>
auto try_start_job(JobQueue& queue, std::string what, Work work) -> std::optional<std::future<decltype(work())>> {
  using R = decltype(work());
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  const bool queued = queue.try_submit([promise, what = std::move(what), work = std::move(work)]() mutable {
    try {
      promise->set_value(work());
    } catch (const std::exception& e) {
      log_error("agent: " + what + ": internal error: " + e.what());
      promise->set_value(fail(Code::server, "internal error: " + std::string(e.what())));
    } catch (...) {
      log_error("agent: " + what + ": internal error");
      promise->set_value(fail(Code::server, "internal error"));
    }
  });
  if (!queued) return std::nullopt;
  return future;
}

// Whether the job behind `future` has finished.
template <class T>
bool job_done(const std::future<T>& future) {
  return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace berth::agent
