// ELB's data-path worker: every second (and at once when ELB's objects or a service's tasks
// change) it reads the targets as they are, runs the health checks that are due (the target
// group's own: TCP connect, or HTTP path and matcher), records each target's health, stops a
// service task that failed its checks past the service's healthCheckGracePeriodSeconds (as ECS
// replaces it), and hands the data path a new plan when it differs from the one applied: healthy
// targets only, or, when a group has none, every target not draining (ELB's fail-open).
// Probes and the data path are injected (runtime/lb/ in berth serve; fakes in unit tests).
// start/stop/wake are thread-safe; passes run on the worker thread (tests call pass()).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/periodic_worker.hpp"
#include "model/elb_data_plan.hpp"
#include "svc/context.hpp"

namespace berth::svc {

struct ElbDataPath {
  // Checks `endpoint` by `check` (on `port`): "" when it passed, else what failed. Bounded by the
  // check's timeout.
  std::function<std::string(const model::Endpoint& endpoint, int port, const model::HealthCheck& check)> probe;
  // Makes the data path do `plan` (replacing what it did before).
  std::function<Result<void>(const model::DataPlan& plan)> apply;
};

class ElbWorker {
 public:
  ElbWorker(Context& ctx, ElbDataPath path) : m_ctx(ctx), m_path(std::move(path)) {}
  ~ElbWorker() { stop(); }

  void start();
  void stop() { m_worker.stop(); }
  void wake() { m_worker.wake(); }

  // One pass (public for tests).
  void pass();

 private:
  Context& m_ctx;
  ElbDataPath m_path;
  std::optional<model::DataPlan> m_applied;  // worker thread only
  PeriodicWorker m_worker;
};

// The plan for `live` targets with `board`'s health (pure: exposed for tests).
struct LiveTarget;
struct ElbCatalog;
model::DataPlan data_plan(const ElbCatalog& catalog, const std::vector<LiveTarget>& live,
                          const std::map<std::string, model::TargetHealth>& board);

}  // namespace berth::svc
