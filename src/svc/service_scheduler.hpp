// The service scheduler's thread: on every pass (a tick, or a wake-up after a change) it first
// marks remote instances lost that have been silent too long (svc/lost_instances.hpp, every
// tenth of the lost timeout), then plans each ACTIVE or DRAINING service of each cluster with
// sched::schedule_service (DAEMON services first, so their tasks are placed before replicas take
// the room) and commits each plan through the plan applier. Writes only on change. A tick finds
// nothing to do when no write happened since a pass that changed nothing and no rule that reads
// the clock is due (sched::next_timed_decision): it then reads no snapshot (with 10,000 tasks a
// snapshot costs a tenth of a second of CPU; twice a second, that was half a core at rest). One
// thread; wake() and stop() are thread-safe. With a scheduler leadership (Context::leadership) a
// pass does nothing unless this server leads, and its writes are fenced with the term.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>

#include "common/periodic_worker.hpp"
#include "model/cluster_snapshot.hpp"
#include "model/service.hpp"
#include "sched/service_scheduler.hpp"
#include "svc/context.hpp"
#include "svc/scheduler_context.hpp"

namespace berth::svc {

// The query for a service's tasks that are meant to run (desired RUNNING, not yet stopped).
inline store::TaskQuery live_tasks_of(const model::Service& service) {
  store::TaskQuery query;
  query.cluster = service.cluster;
  query.group = "service:" + service.name;
  query.not_stopped = true;
  query.desired_status = model::TaskStatus::running;
  query.limit = 100000;
  return query;
}

// A new deployment id, "ecs-svc/" and 19 digits as ECS writes them.
std::string new_deployment_id();

class ServiceScheduler {
 public:
  // `settle_ms`: how long a task without health checks must run before it counts as healthy
  // (ECS waits 40 s; berth's default is 10 s, BERTH_TASK_SETTLE_SECONDS).
  explicit ServiceScheduler(Context& ctx, EpochMs settle_ms = 10'000, int tick_ms = 500)
      : m_acting(ctx), m_settle_ms(settle_ms), m_tick_ms(tick_ms), m_rng(std::random_device{}()) {}
  ~ServiceScheduler() { stop(); }

  void start() { m_worker.start("service scheduler", std::chrono::milliseconds(m_tick_ms), [this] { pass(); }); }
  void stop() { m_worker.stop(); }
  // Something changed: the next pass plans every service, whatever the store's change count says.
  void wake() {
    m_woken = true;
    m_worker.wake();
  }
  // One pass over every service (also what the thread runs), unless nothing can have changed since
  // the last one (see above). Returns whether it planned.
  bool pass();

 private:
  // Plans and commits `service` of `cluster`, planning first on `snapshot` when it is set; resets
  // it when the plan wrote anything (the next service reads fresh rows).
  // What a pass learns for the next: whether it changed or held back anything, and when the
  // earliest rule that reads the clock is due.
  struct Quiet {
    bool quiet = true;
    EpochMs until = 0;
  };
  // `ctx`: the pass's (acting_context).
  Result<void> schedule(Context& ctx, const std::string& cluster, const std::string& service,
                        std::optional<model::ClusterSnapshot>& snapshot, Quiet& quiet);

  SchedulerContext m_acting;  // the context as built, and the pass's: fenced with the leadership's term
  EpochMs m_settle_ms;
  int m_tick_ms;
  std::mt19937_64 m_rng;  // the scheduler thread's alone
  EpochMs m_next_lost_sweep = 0;  // lost instances are looked for every lost_sweep_interval_ms
  std::atomic<bool> m_woken{true};
  // After a pass that changed nothing (scheduler thread only): the store's change count it began
  // at, and until when a tick that finds the same count has nothing to plan.
  std::optional<std::int64_t> m_quiet_count;
  EpochMs m_quiet_until = 0;
  PeriodicWorker m_worker;
};

}  // namespace berth::svc
