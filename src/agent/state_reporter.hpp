// What a joined gateway's agent tells the serving gateway: after each change the agent records
// in the node's own store (and on a timer, for reports the server did not take), every task of
// the instance whose observed state differs from what the server was last told is reported: a
// task's status change with SubmitTaskStateChange (its containers included), a container's alone
// with SubmitContainerStateChange. What was told is kept in memory only: after a restart every
// task is told once more, which the server takes as a repeat (statuses only move forward). So a
// node cut off reports, once the server answers, what ran and exited meanwhile. Stopped tasks the
// server was told of are dropped from the node's store an hour after they stopped. One thread
// (the link's reporter); not thread-safe.
#pragma once

#include <map>
#include <string>

#include "agent/control_plane.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"

namespace berth::agent {

// How long a stopped task the server was told of stays in the node's store (its record for the
// node's own `berth logs`; no poll reply that could still list it as running is that old).
inline constexpr EpochMs k_keep_reported_stopped_ms = 3600 * 1000;

struct ReportOutcome {
  int task_reports = 0;       // SubmitTaskStateChange calls the server took
  int container_reports = 0;  // SubmitContainerStateChange calls the server took
  int refused = 0;            // reports the server refused (not retried)
  bool unanswered = false;    // the server did not answer: the rest waits for the next pass
};

// The report of `task` as it is now: its status, stoppedReason, timestamps and every container.
model::TaskStateChange state_change_of(const model::Task& task);

class StateReporter {
 public:
  StateReporter(store::Store& store, ControlPlane& server, const Clock& clock);

  // One pass over the tasks of `identity`'s instance in the store.
  [[nodiscard]] Result<ReportOutcome> report(const JoinedIdentity& identity);

 private:
  // What was last told of one task: its status and each container's report, as JSON text.
  struct Told {
    model::TaskStatus status = model::TaskStatus::pending;
    std::map<std::string, std::string> containers;
  };

  store::Store& m_store;
  ControlPlane& m_server;
  const Clock& m_clock;
  std::map<std::string, Told> m_told;  // task id → what the server was told
};

}  // namespace berth::agent
