// A joined gateway's link to the serving gateway: one thread long-polls the instance's desired
// tasks and mirrors each reply into the node's store (agent/desired_state_mirror), waking the
// agent when something changed, keeps the reply's secrets in memory (agent/served_secrets) before
// the agent can start the tasks that need them, and answers the log requests a reply lists
// (`berth logs` on the server for a task here); the commands a reply lists (ExecuteCommand and
// `berth exec` on the server) run on k_command_workers workers of their own, so that polls go on
// while they run, and are answered with SubmitExecResult; the relayed sessions it lists
// (`berth exec -i/-t`, `berth attach` on the server) go to NodeAnswers::serve_relay; another thread reports what the agent recorded (agent/state_reporter),
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
#include "agent/served_secrets.hpp"
#include "agent/state_reporter.hpp"
#include "common/bounded_worker_pool.hpp"
#include "common/cancellation.hpp"
#include "common/clock.hpp"
#include "common/periodic_worker.hpp"
#include "common/thread_annotations.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct ServerLinkSettings {
  // How long a poll may wait for a change: the server's own longest (the join reply's, which it
  // keeps below a third of its lost timeout, since a poll's arrival is a heartbeat), at most this,
  // so that a connection the network dropped silently is given up within the wait plus the
  // client's 30 s margin. Stopping does not wait for the poll under way: it is cancelled.
  int max_poll_wait_seconds = 60;
  // Asked for when the server's is not known (a join.json kept before it was): the server's
  // default; a server that grants less answers sooner.
  int default_poll_wait_seconds = 20;
  std::chrono::milliseconds report_tick{5000};
  std::chrono::milliseconds max_retry_pause{10000};
};

// Returns a container's log lines by its runtime id, as [{"time", "stream", "text"}] (oldest first).
using LogReader = std::function<model::Json(const std::string& runtime_id)>;
// Returns a container's log lines after a cursor (nothing: from its oldest line) within a bound in
// bytes, and the cursor after them (runtime/shim/log_cursor_reader.hpp).
using LogCursorReader = std::function<model::LogChunk(const std::string& runtime_id,
                                                      const std::optional<model::LogCursor>& from, std::size_t max_bytes)>;
// Runs a command without input in a running container (by its runtime id), with the runtime's
// bounds; its errors are the refusal sent back (InvalidParameterException: not running here).
using CommandRunner =
    std::function<Result<model::ExecOutcome>(const std::string& runtime_id, const std::vector<std::string>& argv)>;

// Connects back to the server for a relayed session a poll listed (`berth exec -i/-t`, `berth
// attach` there) and serves it; called on the poll thread, so it returns at once (the serving
// runs on threads of its own, bounded by the implementation: cli/relay_agent.hpp).
using RelayServer = std::function<void(const JoinedIdentity& identity, const model::RelayRequest& request)>;

// What the link answers the server's asks with; each part may be missing: log requests are then
// answered with no lines, commands refused, relayed sessions left (the server tells their users
// no agent came), secrets not kept.
struct NodeAnswers {
  LogReader read_logs = nullptr;
  LogCursorReader read_logs_after = nullptr;
  CommandRunner run_command = nullptr;
  RelayServer serve_relay = nullptr;
  ServedSecrets* secrets = nullptr;  // must outlive the link
};

// Commands run at once (as the runtime's own bound on a gateway) and waiting for a worker; one
// more is refused with LimitExceededException.
inline constexpr std::size_t k_command_workers = 2;
inline constexpr std::size_t k_queued_commands = 4;

class ServerLink {
 public:
  // `wake_agent`: asks the agent for a pass (its desired state changed). `answers`: what the
  // server's asks are answered with.
  ServerLink(store::Store& store, ControlPlane& server, JoinedRegistrar& registrar, const Clock& clock,
             std::function<void()> wake_agent, NodeAnswers answers = {}, ServerLinkSettings settings = {});
  ~ServerLink();
  ServerLink(const ServerLink&) = delete;
  ServerLink& operator=(const ServerLink&) = delete;

  // REQUIRES: the registrar's register_node succeeded.
  void start();
  // Ends the poll under way at once (its connection cancelled), the reporter and the commands
  // (waiting for those running, at most the runtime's bound). Idempotent.
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
  // Answers the log requests of a poll reply: from their cursors, or the newest lines (a request
  // without cursors), within k_max_submitted_log_bytes.
  void answer_log_requests(const JoinedIdentity& identity, const std::vector<model::LogRequest>& requests);
  void answer_from_cursors(const model::LogRequest& request, model::SubmitTaskLogsRequest& answer);
  void answer_newest(const model::LogRequest& request, model::SubmitTaskLogsRequest& answer);
  // Hands the commands of a poll reply to the command workers (refusing those that do not fit).
  void run_commands(const JoinedIdentity& identity, const std::vector<model::ExecRequest>& requests);
  // Waits `pause` unless stop() comes first; returns false once stopping.
  bool pause_for(std::chrono::milliseconds pause);
  // The wait a poll asks for (ServerLinkSettings).
  int poll_wait_seconds(const JoinedIdentity& identity) const;

  store::Store& m_store;
  ControlPlane& m_server;
  JoinedRegistrar& m_registrar;
  const Clock& m_clock;
  const std::function<void()> m_wake_agent;
  const NodeAnswers m_answers;
  const ServerLinkSettings m_settings;
  StateReporter m_reporter;  // reporter thread only
  std::optional<std::string> m_cursor;  // poll thread only
  bool m_answering = true;               // poll thread only: the last poll was answered
  Mutex m_mutex;
  std::condition_variable m_wakeup;
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
  Cancellation m_poll_cancel;  // cancelled by stop(): ends the poll under way and any later one
  std::thread m_poller;
  PeriodicWorker m_reporter_worker;
  BoundedWorkerPool m_command_workers{k_command_workers, k_queued_commands, "remote command worker"};
};

}  // namespace berth::agent
