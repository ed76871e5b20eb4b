// What the serving gateway keeps in memory about the agents of remote instances (nothing of it
// is written: heartbeats would wear the flash): when each instance was last heard from, the
// long polls (PollInstanceTasks) parked until their instance's tasks change, and each instance's
// poll cursor as last read (svc/instance_poll_cache.hpp). Thread-safe; owned by
// the composition root, reached through Context::remote_agents.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/thread_annotations.hpp"
#include "svc/instance_poll_cache.hpp"
#include "svc/parked_polls.hpp"
#include "svc/relay_sessions.hpp"
#include "svc/relay_splicer.hpp"
#include "svc/remote_exec_requests.hpp"
#include "svc/remote_log_requests.hpp"

namespace berth::svc {

struct RemoteAgentSettings {
  // The longest a poll waits for a change (BERTH_POLL_WAIT_SECONDS).
  std::chrono::milliseconds max_poll_wait{20'000};
  // Polls parked at once (BERTH_MAX_POLL_WAITERS); one more is answered at once. A parked poll
  // holds no thread (an entry of ParkedPolls and its connection), so this is sized for the
  // joined gateways a server may have.
  std::size_t max_waiters = 4096;
  // Silence after which a remote instance is lost (BERTH_INSTANCE_LOST_SECONDS).
  EpochMs lost_after_ms = 300'000;
  // Interactive sessions relayed to joined gateways at once (each holds a thread while it waits
  // for its agent and while it is spliced), and how soon an agent must connect for one: its poll
  // is answered at once, so it connects within a round trip and a TLS handshake.
  std::size_t max_relay_sessions = 8;
  std::chrono::milliseconds relay_connect_deadline{15'000};
};

class RemoteAgents {
 public:
  // `relay_clock`: the Clock of the relayed sessions' deadlines; none = no sessions are relayed.
  explicit RemoteAgents(RemoteAgentSettings settings = {}, const Clock* relay_clock = nullptr);

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

  // --- parked polls ---
  ParkedPolls& parked() { return m_parked; }
  // Each instance's poll cursor as last read, by the store's version of its tasks.
  InstancePollCache& poll_states() { return m_poll_states; }
  // Tasks were placed or asked to stop somewhere: every parked poll looks again.
  void tasks_changed() { m_parked.changed_all(); }
  // ... on `instance_id`: its parked polls look again.
  void tasks_changed_on(const std::string& instance_id) { m_parked.changed(instance_id); }
  // Answers every parked poll now and refuses to park more (the server stops).
  void close();
  // Polls parked now.
  std::size_t waiters() const { return m_parked.size(); }
  // Counts a poll answered at once for want of a parking place; returns the count before it.
  std::uint64_t count_full() { return m_full++; }

  // Asks of agents for container logs (answered through their polls).
  RemoteLogRequests& log_requests() { return m_log_requests; }
  // Asks of agents to run commands in their containers (answered through their polls).
  RemoteExecRequests& exec_requests() { return m_exec_requests; }
  // Interactive sessions relayed through agents' connections back, and their splices; null when
  // built without a clock.
  RelaySessions* relay_sessions() { return m_relay_sessions.get(); }
  RelaySplicer* relay_splicer() { return m_relay_splicer.get(); }

 private:
  const RemoteAgentSettings m_settings;
  RemoteLogRequests m_log_requests;
  ParkedPolls m_parked{m_settings.max_waiters};
  InstancePollCache m_poll_states;
  std::atomic<std::uint64_t> m_full{0};
  RemoteExecRequests m_exec_requests;
  std::unique_ptr<RelaySessions> m_relay_sessions;
  std::unique_ptr<RelaySplicer> m_relay_splicer;  // after the sessions: destroyed first
  mutable Mutex m_mutex;
  std::unordered_map<std::string, EpochMs> m_last_heard BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::svc
