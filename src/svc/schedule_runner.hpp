// Starts the runs of schedules: one thread that ticks, reads SQLite only once the earliest next
// run is due (or a schedule changed), and starts each due schedule's tasks with start_tasks
// (its stored RunTask request decoded as RunTask decodes it).
// - A run is claimed (next run written) before its tasks start: a power cut in between loses
//   that run rather than starting it twice.
// - A run more than its flexible window (at least a minute) late is not made up: after berth
//   was down or the clock jumped, each schedule resumes at its next time, with no burst of
//   missed runs; the skipped time shows in LastRun.
// - With OverlapPolicy SKIP_IF_RUNNING a run is skipped while tasks of the previous one run.
// - A run whose RunTask fails (an error, or no task placed) is attempted again as the target's
//   RetryPolicy allows (model/schedule_retry.hpp), each attempt claimed like a run; a newer run
//   supersedes a pending retry.
// - A schedule that will not run again is deleted if ActionAfterCompletion is DELETE (once
//   its last run needs no more attempts).
// Reads SQLite only when a run is due or a schedule changed; writes only when it runs.
// With a scheduler leadership (Context::leadership) a pass does nothing unless this server leads,
// and its writes (claims, task starts, records) are fenced with the term.
#pragma once

#include <atomic>
#include <optional>

#include "common/periodic_worker.hpp"
#include "svc/context.hpp"
#include "svc/scheduler_context.hpp"

namespace berth::svc {

class ScheduleRunner {
 public:
  explicit ScheduleRunner(Context& ctx, int tick_ms = 250) : m_acting(ctx), m_tick_ms(tick_ms) {}
  ~ScheduleRunner() { stop(); }

  void start() { m_worker.start("schedule runner", std::chrono::milliseconds(m_tick_ms), [this] { pass(); }); }
  void stop() { m_worker.stop(); }
  // A schedule changed: re-read the timers.
  void wake() {
    m_dirty = true;
    m_worker.wake();
  }
  // Runs what is due now (also what the thread runs).
  void pass();

 private:
  Result<void> run_due(model::Schedule schedule, std::int64_t now_seconds);
  Result<void> run_scheduled(model::Schedule schedule, std::int64_t now_seconds);
  Result<void> run_retry(model::Schedule schedule, std::int64_t now_seconds);

  // The members below act in the current pass's context (fenced with the leadership's term).
  SchedulerContext m_acting;
  Context& ctx() { return m_acting.ctx(); }
  const Context& ctx() const { return m_acting.ctx(); }
  int m_tick_ms;
  std::atomic<bool> m_dirty{true};
  std::optional<std::int64_t> m_earliest;
  PeriodicWorker m_worker;
};

}  // namespace berth::svc
