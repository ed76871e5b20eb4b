// Which server of a replicated control plane runs the schedulers (the service scheduler with its
// DAEMON services, the schedule runner, the scaling runner), and the term their writes are fenced
// with. The term is one row of the store (store::Leadership), written only when the leadership
// moves: the server whose consensus node leads (the lease, asked of the node every
// `check_every_ms`, nothing written) takes the row under the next term at once, and while it
// keeps leading it only reads the row to see that its term still stands. An idle plane writes
// nothing for the leadership, as a gateway's flash asks (the earlier design renewed the row every
// second: a replicated write a second on every server's disk).
//
// Safety does not rest on the lease: every scheduler write carries the term it acts under
// (Context::leader_term, svc/scheduler_context.hpp), and the store refuses it, in the write's own
// transaction, once the stored term moved (store::Store::require_term_locked). A deposed leader
// that has not noticed yet (its node still believes it leads, for up to the consensus's election
// timeout) writes nothing. The holder also stops acting by itself `valid_for_ms` after the last
// check that confirmed it, so a leadership thread stuck on an unreachable store cannot keep it
// acting.
//
// On a single gateway (`sole`) the gateway takes the leadership at start without waiting and
// holds it forever: one write at start, no check, and each plan's fence is one read in the
// plan's own transaction.
//
// Thread-safe: term() from any thread; tick() runs on the leadership's own thread (or a test's).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/periodic_worker.hpp"
#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "store/store.hpp"

namespace berth::svc {

struct LeadershipSettings {
  bool sole = false;             // one gateway: take at once, hold forever, never check
  EpochMs check_every_ms = 1'000;  // how often the lease is asked (and, while leading, the row read)
  EpochMs valid_for_ms = 3'000;    // how long after the last check that confirmed it the holder acts
};

// ClientException unless 0 < check_every_ms < valid_for_ms: a holder must be able to confirm its
// term again before it gives up.
[[nodiscard]] Result<void> check_leadership_settings(const LeadershipSettings& settings);

// Whether this server may lead the schedulers now: on a replicated control plane, whether its
// consensus node leads (cli::ControlPlane::leads_consensus). An error counts as no confirmation.
using LeadershipLease = std::function<Result<bool>()>;

class SchedulerLeadership {
 public:
  // Called with the new term when this server becomes the leader, and with nothing when it stops
  // being one (term moved, store unreachable too long, stop()). Runs on the thread that noticed
  // the change (the leadership's own, or stop()'s caller), never under the leadership's lock: it
  // may start and stop schedulers, and call term(), but not this leadership's stop() (which
  // joins the thread that may be calling it).
  using Listener = std::function<void(std::optional<std::int64_t> term)>;

  // `server_id` names this server in the store's row: unique among the servers, the same across
  // its restarts (a restarted server takes back a row it held at once).
  // `lease` is asked at each round (unused, and may be empty, when sole).
  SchedulerLeadership(store::Store& store, const Clock& clock, std::string server_id, LeadershipSettings settings,
                      LeadershipLease lease, Listener on_change = {});
  ~SchedulerLeadership() { stop(); }
  SchedulerLeadership(const SchedulerLeadership&) = delete;
  SchedulerLeadership& operator=(const SchedulerLeadership&) = delete;

  // Checks the settings and runs a first round at once (so a sole gateway, or the server whose
  // node leads, leads before its schedulers' first pass), then starts the thread that runs one
  // every check_every_ms (none when sole: nothing is checked). A sole gateway that could not take
  // the leadership returns the store's error. REQUIRES: not started yet.
  [[nodiscard]] Result<void> start();
  // Stops the thread; if this server leads, reports nothing to the listener first (its schedulers
  // stop), then releases the row (holder ""). Idempotent.
  void stop();

  // One round: asks the lease. Without it, a holder stops leading. With it, reads the row: the
  // holder whose term still stands is confirmed (nothing written); otherwise the row is taken
  // under the next term (one version-checked write), whoever held it.
  void tick();

  // The term this server's schedulers act under now; nothing when another server leads, or when
  // this one's last confirmation began valid_for_ms ago or longer (checked here, on the clock, so
  // that a round stuck on an unreachable store or node cannot keep it leading).
  std::optional<std::int64_t> term() const;
  const std::string& server_id() const { return m_server_id; }

 private:
  // Takes the row as `seen` describes it; false when another write came first.
  Result<bool> take(const store::Leadership& seen, EpochMs began);
  // Stops leading (the listener told) and says why in the log.
  void drop(const std::string& why);
  void notify(std::optional<std::int64_t> term);

  store::Store& m_store;
  const Clock& m_clock;
  const std::string m_server_id;
  const LeadershipSettings m_settings;
  const LeadershipLease m_lease;
  const Listener m_on_change;

  mutable Mutex m_mutex;
  std::optional<std::int64_t> m_term BERTH_GUARDED_BY(m_mutex);
  EpochMs m_confirmed_at BERTH_GUARDED_BY(m_mutex) = 0;  // when the holder's last confirmation began

  PeriodicWorker m_worker;
};

}  // namespace berth::svc
