// Which server of a replicated control plane runs the schedulers (the service scheduler, the
// schedule runner, the scaling runner): until the fenced scheduler leadership lands (issue 17: a
// leadership term kept in the store and checked by the plan applier), the server whose dqlite
// node is the Raft leader. Every tick this asks the server's own node whether it leads; it starts
// the schedulers when it does and stops them when it does not, or when the node does not answer
// (a server that cannot confirm the lead acts as if it had lost it).
//
// THE SEAM: this class is the one place `berth serve --peers` decides that; the fenced leadership
// replaces it (its `leads` becomes "holds the current term", and the applier refuses a plan of
// an older term). Until then two servers can both run schedulers for up to about one tick plus
// the old leader's step-down (a Raft leader cut off from the majority steps down after the
// election timeout): nothing fences a plan the old one applies in that window.
//
// The local agent is not behind it: every server is a gateway running its own instance's tasks.
// Thread-safety: start() and stop() from one thread; the hooks run on the worker thread (and the
// `stop` hook also on the caller of stop()).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "common/periodic_worker.hpp"
#include "common/result.hpp"

namespace berth::cli {

class SchedulerLeadership {
 public:
  struct Hooks {
    std::function<Result<bool>()> leads;  // whether this server leads now (bounded)
    std::function<void()> start;          // starts the schedulers
    std::function<void()> stop;           // stops them (after their pass under way)
  };
  enum class Step { none, start, stop };

  // What to do with the schedulers, `running` or not, given the answer to "does this server lead".
  static Step decide(bool running, const Result<bool>& leads);

  SchedulerLeadership(Hooks hooks, std::chrono::milliseconds tick) : m_hooks(std::move(hooks)), m_tick(tick) {}
  ~SchedulerLeadership() { stop(); }
  SchedulerLeadership(const SchedulerLeadership&) = delete;
  SchedulerLeadership& operator=(const SchedulerLeadership&) = delete;

  // Checks at once, then every tick, on a thread of its own.
  void start();
  // Stops checking, then stops the schedulers if they run. Idempotent.
  void stop();
  // One check: asks, decides, acts (the thread's pass; tests call it directly).
  void check();
  bool running() const { return m_running.load(); }

 private:
  Hooks m_hooks;
  std::chrono::milliseconds m_tick;
  std::atomic<bool> m_running{false};
  Result<bool> m_last{false};  // the worker thread's: a change of answer is logged once
  PeriodicWorker m_worker;
};

}  // namespace berth::cli
