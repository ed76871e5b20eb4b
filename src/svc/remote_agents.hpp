// What the serving gateway keeps in memory about the agents of remote instances (nothing of it
// is written: heartbeats would wear the flash): when each instance was last heard from, and the
// signal that wakes parked long polls (PollInstanceTasks) when tasks change. Thread-safe; owned by
// the composition root, reached through Context::remote_agents.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/thread_annotations.hpp"
#include "svc/remote_exec_requests.hpp"
#include "svc/remote_log_requests.hpp"

namespace berth::svc {

struct RemoteAgentSettings {
  // The longest a poll waits for a change (BERTH_POLL_WAIT_SECONDS).
  std::chrono::milliseconds max_poll_wait{20'000};
  // Polls parked at once (BERTH_MAX_POLL_WAITERS); one more is answered at once. Each parked poll
  // holds an API worker, so the server adds this many workers to the API's pool.
  std::size_t max_waiters = 16;
  // Silence after which a remote instance is lost (BERTH_INSTANCE_LOST_SECONDS).
  EpochMs lost_after_ms = 300'000;
};

class RemoteAgents {
 public:
  explicit RemoteAgents(RemoteAgentSettings settings = {}) : m_settings(settings) {}

  const RemoteAgentSettings& settings() const { return m_settings; }

  // --- heartbeats ---
  // Records that `instance_id`'s agent was heard from (a poll, a report, its joining) at `now`.
  void heard_from(const std::string& instance_id, EpochMs now);
  // Returns when `instance_id` was last heard from. An instance not heard from since this server
  // started counts as heard from at the first question (`now`): a restarted server gives every
  // agent the whole lost timeout to come back.
  EpochMs last_heard(const std::string& instance_id, EpochMs now);
  // Drops a deregistered instance's entry (the map holds registered instances only).
  void forget(const std::string& instance_id);

  // --- the change signal ---
  // A change count: each tasks_changed() adds one.
  std::uint64_t changes() const;
  // Tasks were placed or asked to stop somewhere: parked polls look again.
  void tasks_changed();
  enum class Wait { changed, timed_out, closed, no_slot };
  // Waits until the count differs from `seen`, `timeout` passes or close() is called. `no_slot`
  // (at once) when max_waiters polls are parked already.
  Wait wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout);
  // Wakes every parked poll and makes later waits return `closed` at once (the server stops).
  void close();
  // Polls parked now.
  std::size_t waiters() const;

  // Asks of agents for container logs (answered through their polls).
  RemoteLogRequests& log_requests() { return m_log_requests; }
  // Asks of agents to run commands in their containers (answered through their polls).
  RemoteExecRequests& exec_requests() { return m_exec_requests; }

 private:
  const RemoteAgentSettings m_settings;
  RemoteLogRequests m_log_requests;
  RemoteExecRequests m_exec_requests;
  mutable Mutex m_mutex;
  std::condition_variable m_changed;
  std::unordered_map<std::string, EpochMs> m_last_heard BERTH_GUARDED_BY(m_mutex);
  std::uint64_t m_changes BERTH_GUARDED_BY(m_mutex) = 0;
  std::size_t m_waiters BERTH_GUARDED_BY(m_mutex) = 0;
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;
};

}  // namespace berth::svc
