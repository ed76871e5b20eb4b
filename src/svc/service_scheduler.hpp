// The service scheduler: on every pass (a tick, or a wake-up after a change) it reconciles each
// ACTIVE or DRAINING REPLICA service with its tasks (sched::reconcile), places the tasks to
// start, stops the ones to stop, and records deployments and events. Writes only on change.
// One thread; wake() and stop() are thread-safe.
#pragma once

#include "common/periodic_worker.hpp"
#include "model/service.hpp"
#include "model/task.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// The query for a service's tasks that are meant to run (desired RUNNING, not yet stopped).
inline store::TaskQuery live_tasks_of(const model::Service& service) {
  store::TaskQuery query;
  query.cluster = service.cluster;
  query.group = "service:" + service.name;
  query.not_stopped = true;
  query.desired_status = "RUNNING";
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
      : m_ctx(ctx), m_settle_ms(settle_ms), m_tick_ms(tick_ms) {}
  ~ServiceScheduler() { stop(); }

  void start() { m_worker.start("service scheduler", std::chrono::milliseconds(m_tick_ms), [this] { pass(); }); }
  void stop() { m_worker.stop(); }
  void wake() { m_worker.wake(); }
  // One reconcile pass over every service (also what the thread runs).
  void pass();

 private:
  Result<void> reconcile_service(model::Service service);
  // DAEMON: one task of the PRIMARY deployment on every ACTIVE instance meeting the constraints.
  Result<void> reconcile_daemon(model::Service& service, const std::vector<model::Task>& tasks, EpochMs now);

  Context& m_ctx;
  EpochMs m_settle_ms;
  int m_tick_ms;
  PeriodicWorker m_worker;
};

}  // namespace berth::svc
