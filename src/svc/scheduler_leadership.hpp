// Which server of a replicated control plane runs the schedulers (the service scheduler with its
// DAEMON services, the schedule runner, the scaling runner), and the term their writes are fenced
// with. The leadership is one row of the store (store::Leadership): its holder renews it every
// `renew_every_ms`; a candidate takes over (the next term, one version-checked write) only once
// it has seen the row unchanged for `takeover_after_ms` of its own clock. It never compares its
// clock with another server's, so clock skew between servers cannot hand the leadership over
// early; only the rates of the clocks matter.
//
// Safety does not rest on the timing: every scheduler write carries the term it acts under
// (Context::leader_term, svc/scheduler_context.hpp), and the store refuses it, in the write's own transaction, once the
// stored term moved (store::Store::require_term_locked). A deposed leader that has not noticed yet
// writes nothing. The timing keeps that rare: the holder stops acting by itself
// `takeover_after_ms - margin_ms` after its last successful renewal began (the store unreachable,
// or too slow), before any candidate can have waited out the takeover time since that renewal.
//
// On a single gateway (`sole`) the gateway takes the leadership at start without waiting and
// holds it forever: one write at start, no renewal, and each plan's fence is one read in the
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
  bool sole = false;                   // one gateway: take at once, hold forever, never renew
  EpochMs renew_every_ms = 2'000;      // the holder's renewals, and a candidate's looks at the row
  EpochMs takeover_after_ms = 10'000;  // how long a candidate sees the row unchanged before it takes over
  EpochMs margin_ms = 3'000;           // the holder stops this long before a candidate may take over
};

// ClientException unless 0 < renew_every_ms < takeover_after_ms - margin_ms and margin_ms >= 0:
// a holder must renew before it gives up, and give up before a candidate takes over.
[[nodiscard]] Result<void> check_leadership_settings(const LeadershipSettings& settings);

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
  SchedulerLeadership(store::Store& store, const Clock& clock, std::string server_id, LeadershipSettings settings,
                      Listener on_change = {});
  ~SchedulerLeadership() { stop(); }
  SchedulerLeadership(const SchedulerLeadership&) = delete;
  SchedulerLeadership& operator=(const SchedulerLeadership&) = delete;

  // Checks the settings and runs a first round at once (so a sole gateway, or the first server
  // of a new cluster, leads before its schedulers' first pass), then starts the thread that runs
  // one every renew_every_ms (none when sole: nothing is renewed). A sole gateway that could not
  // take the leadership returns the store's error. REQUIRES: not started yet.
  [[nodiscard]] Result<void> start();
  // Stops the thread; if this server leads, reports nothing to the listener first (its schedulers
  // stop), then releases the row so that a candidate takes over without waiting. Idempotent.
  void stop();

  // One round: the holder renews (losing the leadership at once if its term moved); a candidate
  // reads the row and takes it over when it is free, its own, or unchanged for takeover_after_ms.
  void tick();

  // The term this server's schedulers act under now; nothing when another server leads, or this
  // one's last renewal began takeover_after_ms - margin_ms ago or longer (checked here, on the
  // clock, so that a round stuck on an unreachable store cannot keep it leading).
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
  const Listener m_on_change;

  mutable Mutex m_mutex;
  std::optional<std::int64_t> m_term BERTH_GUARDED_BY(m_mutex);
  EpochMs m_renewed_at BERTH_GUARDED_BY(m_mutex) = 0;  // when the holder's last successful renewal began

  // A candidate's view (the round's thread only): the row as last read, and when it first read it so.
  std::optional<store::Leadership> m_seen;
  EpochMs m_seen_at = 0;
  bool m_started = false;
  PeriodicWorker m_worker;
};

}  // namespace berth::svc
