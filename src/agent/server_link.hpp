// A joined gateway's link to the serving gateway: one thread long-polls the instance's desired
// tasks and mirrors each reply into the node's store (agent/desired_state_mirror), waking the
// agent when something changed, and answers the log requests a reply lists (`berth logs` on the
// server for a task here); another reports what the agent recorded (agent/state_reporter),
// woken by the agent's changes and every few seconds for reports the server did not take. A
// server that does not answer stops neither: the agent goes on running what the store holds,
// polls are retried with a growing pause (1 s to 10 s), and the first answer afterwards brings
// the node's registration, its reports and its desired state up to date. start/stop/task_changed
// are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "agent/control_plane.hpp"
#include "agent/joined_registrar.hpp"
#include "agent/state_reporter.hpp"
#include "common/clock.hpp"
#include "common/periodic_worker.hpp"
#include "common/thread_annotations.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct ServerLinkSettings {
  // How long a poll may wait for a change. Short enough that stopping berth (which waits for the
  // poll under way) stays quick, and far below any lost timeout, since polls are heartbeats.
  int poll_wait_seconds = 5;
  std::chrono::milliseconds report_tick{5000};
  std::chrono::milliseconds max_retry_pause{10000};
};

// Returns a container's log lines by its runtime id, as [{"time", "stream", "text"}] (oldest first).
using LogReader = std::function<model::Json(const std::string& runtime_id)>;

class ServerLink {
 public:
  // `wake_agent`: asks the agent for a pass (its desired state changed). `read_logs`: answers the
  // server's log requests (none: answered with no lines).
  ServerLink(store::Store& store, ControlPlane& server, JoinedRegistrar& registrar, const Clock& clock,
             std::function<void()> wake_agent, LogReader read_logs = {}, ServerLinkSettings settings = {});
  ~ServerLink();
  ServerLink(const ServerLink&) = delete;
  ServerLink& operator=(const ServerLink&) = delete;

  // REQUIRES: the registrar's register_node succeeded.
  void start();
  // Ends the poll under way (waiting at most its wait) and the reporter. Idempotent.
  void stop();
  // The agent recorded a task change: report it soon.
  void task_changed() { m_reporter_worker.wake(); }

  // One poll and its mirror (the poll thread's step; tests drive it directly). Returns whether
  // the server answered. An exception from any part (a codec, the store, a log reader) is logged
  // and counts as no answer: it never ends the poll thread, and so berth.
  bool poll_once();
  // One reporting pass (the reporter thread's step).
  void report_once();

 private:
  void poll_loop();
  bool poll_and_mirror();
  // Answers the log requests of a poll reply (the newest lines, within k_max_submitted_log_bytes).
  void answer_log_requests(const JoinedIdentity& identity, const std::vector<model::LogRequest>& requests);
  // Waits `pause` unless stop() comes first; returns false once stopping.
  bool pause_for(std::chrono::milliseconds pause);

  store::Store& m_store;
  ControlPlane& m_server;
  JoinedRegistrar& m_registrar;
  const Clock& m_clock;
  const std::function<void()> m_wake_agent;
  const LogReader m_read_logs;
  const ServerLinkSettings m_settings;
  StateReporter m_reporter;  // reporter thread only
  std::optional<std::string> m_cursor;  // poll thread only
  bool m_answering = true;               // poll thread only: the last poll was answered
  Mutex m_mutex;
  std::condition_variable m_wakeup;
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
  std::thread m_poller;
  PeriodicWorker m_reporter_worker;
};

}  // namespace berth::agent
