// Container health checks as ECS runs them: the definition's command (CMD or CMD-SHELL) inside
// the running container every `interval` seconds, bounded by `timeout`; `retries` failures in a
// row outside the `startPeriod` make it UNHEALTHY, a success HEALTHY. Checks run in the background
// on a bounded queue; one the queue refuses is tried again on the next pass. Agent thread only.
#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/bounded_worker_pool.hpp"
#include "common/clock.hpp"
#include "model/schema.hpp"
#include "runtime/runtime.hpp"

namespace berth::agent {

class HealthChecker {
 public:
  HealthChecker(runtime::Runtime& runtime, JobQueue& checks) : m_runtime(runtime), m_queue(checks) {}

  // Advances the checks of running container `id` (its runtime id), whose definition's
  // healthCheck is `check` and which started at `started_at`: takes the result of a finished
  // check and starts the next one when due. Returns the status a finished check moved it to
  // (HEALTHY, UNHEALTHY), if it did.
  std::optional<std::string> poll(const std::string& id, const model::Json& check, EpochMs started_at, EpochMs now);
  // Drops container `id`'s state (it stopped); a check under way finishes unseen.
  void forget(const std::string& id) { m_states.erase(id); }
  // Checks queued from now on end at once (berth is stopping). Thread-safe.
  void close() { m_closed->store(true); }

 private:
  struct State {
    EpochMs next_check = 0;
    EpochMs started_at = 0;
    int failures = 0;
    std::optional<std::future<Result<runtime::ExecResult>>> running;
  };

  runtime::Runtime& m_runtime;
  JobQueue& m_queue;
  std::map<std::string, State> m_states;  // runtime id → its checks
  std::shared_ptr<std::atomic<bool>> m_closed = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace berth::agent
