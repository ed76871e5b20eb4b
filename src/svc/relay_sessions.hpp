// The serving gateway's relayed sessions (in memory): `berth exec -i/-t` or `berth attach` for a
// task on a joined gateway, which has no inbound port. The user's session opens one; the
// instance's next poll lists it once; its agent connects back to the server's API for it (an
// outbound TLS connection, signed with the instance's key) and hands that connection over; the
// user's side, waiting for it, then splices the two. Bounded: at most `max_sessions` open at once
// (waiting or spliced), an agent must connect within `connect_deadline` of the opening (by the
// Clock: a late connection is refused), and a session's place is freed when its splice ends.
// Sockets handed over are owned here until the waiter takes them (closed if nobody does).
// Thread-safe; a member of RemoteAgents. Opened by svc/relayed_exec (the user's session), listed
// by svc/instance_poll, connected by api/relay_routes (the agent's), spliced by svc/relay_splicer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/thread_annotations.hpp"
#include "model/execute_command.hpp"

namespace berth::svc {

// What the agent is asked to serve on the connection it opens: a session in its container
// `runtime_id`, as the user asked for it (argv, tty, interactive; an attach has no argv).
struct RelayAsk {
  enum class Kind { exec, attach };
  Kind kind = Kind::exec;
  std::string runtime_id;
  model::ExecSessionRequest session;
};

class RelaySessions {
 public:
  // `recheck`: how often a waiter looks at the Clock while nothing happens (the deadline is the
  // Clock's; this only bounds how late a waiter notices it).
  RelaySessions(const Clock& clock, std::size_t max_sessions, std::chrono::milliseconds connect_deadline,
                std::chrono::milliseconds recheck = std::chrono::milliseconds(200));
  // Closes the sockets no waiter took. REQUIRES: no waiter is left.
  ~RelaySessions();
  RelaySessions(const RelaySessions&) = delete;
  RelaySessions& operator=(const RelaySessions&) = delete;

  // Opens a session of `instance_id`'s agent; returns its id, or nothing when max_sessions are
  // open already or the server stops. Sessions past their deadline that nobody waits for (their
  // user's connection never came) are closed first.
  std::optional<std::string> open(const std::string& instance_id, RelayAsk ask);
  // The sessions of `instance_id` no poll listed yet, by id; they are listed from now on.
  std::vector<std::pair<std::string, RelayAsk>> take_for(const std::string& instance_id);
  // Whether connect(instance_id, id, ...) would take a socket now (the route answers 101 only then).
  bool expects(const std::string& instance_id, const std::string& id) const;
  // `instance_id`'s agent connected for session `id` on `socket`: returns true and owns the socket
  // when the session is that instance's, listed, still within its deadline and not connected yet;
  // otherwise false and the caller keeps (and closes) the socket.
  bool connect(const std::string& instance_id, const std::string& id, int socket);
  // Waits for the agent's socket of session `id` until its deadline; returns it (the caller owns
  // it and splices, then calls finish(id)), or nothing: no agent came in time (or the server
  // stops), and the session is closed.
  std::optional<int> await_agent(const std::string& id);
  // The splice of session `id` ended (either side closed): its place is free.
  void finish(const std::string& id);
  // Wakes the waiters to look at the Clock now (tests with a fake clock; the recheck does it too).
  void recheck_now() { m_changed.notify_all(); }
  // Ends every wait and refuses new sessions (the server stops); unclaimed sockets are closed.
  void close();
  // Sessions open now (waiting or spliced).
  std::size_t open_count() const;

 private:
  struct Session {
    std::string instance_id;
    RelayAsk ask;
    EpochMs deadline = 0;
    bool listed = false;
    int socket = -1;      // the agent's connection, until the waiter takes it
    bool spliced = false;  // the waiter took the socket
  };
  const Clock& m_clock;
  const std::size_t m_max_sessions;
  const std::chrono::milliseconds m_connect_deadline;
  const std::chrono::milliseconds m_recheck;
  mutable Mutex m_mutex;
  std::condition_variable m_changed;  // a socket came, or close()
  std::map<std::string, Session> m_sessions BERTH_GUARDED_BY(m_mutex);  // by id
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;

  bool expects_locked(const std::string& instance_id, const std::string& id) const BERTH_REQUIRES(m_mutex);
};

}  // namespace berth::svc
