// Runs Application Auto Scaling on this gateway: one thread that ticks every second, runs the
// scheduled actions that are due (MinCapacity/MaxCapacity set, desiredCount brought within
// them), and once per metric period (the metric store's resolution) evaluates every scalable
// target's policies on the metric store's series and the alarms acting on its step policies,
// changing the service's desiredCount through the store (never through API requests) and
// recording each change as a scaling activity, in the same transaction as the change and the
// cooldown it starts (store::ScalingStepWrite): no reader and no crash sees one without the others.
// - Scale-in waits while a deployment is in progress (ECS's rule; scale-out goes on).
// - A scale-out that cannot be placed (the scheduler's "unable to place" event) is recorded as a
//   Failed activity and a service event; desiredCount goes back to what was placed and the next
//   attempt waits for the scale-out cooldown: no retry in a tight loop.
// Reads SQLite once a tick (the earliest scheduled action) and once a period per target with
// policies; writes only when it scales. start/stop are thread-safe; pass runs on one thread at a
// time. With a scheduler leadership (Context::leadership) a pass does nothing unless this server
// leads, and its desiredCount and scheduled action writes are fenced with the term.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/periodic_worker.hpp"
#include "sched/scaling_decision.hpp"
#include "svc/context.hpp"
#include "svc/scheduler_context.hpp"
#include "svc/scaling.hpp"

namespace berth::svc {

class ScalingRunner {
 public:
  explicit ScalingRunner(Context& ctx, int tick_ms = 1000) : m_acting(ctx), m_tick_ms(tick_ms) {}
  ~ScalingRunner() { stop(); }

  void start() { m_worker.start("scaling runner", std::chrono::milliseconds(m_tick_ms), [this] { pass(); }); }
  void stop() { m_worker.stop(); }
  // A scheduled action was put: the next pass reads the earliest due time again. Thread-safe.
  void schedules_changed() { m_scheduled_stale = true; }
  // Runs the due scheduled actions; follows scale-outs still being placed; and at the start of a
  // new metric period evaluates the policies.
  void pass();
  // Runs the scheduled actions due now (in the current pass's context: call through pass()).
  void run_scheduled_actions();
  // What a pass looks at of each scalable target: everything, or only a scale-out being placed.
  enum class Scope { everything, pending_scale_outs };
  // Evaluates every scalable target once (everything: what a new metric period does).
  void evaluate_targets(Scope scope = Scope::everything);

 private:
  // Returns whether a scale-out of the target is still being placed afterwards.
  Result<bool> evaluate(model::ScalableTarget target, EpochMs now, Scope scope = Scope::everything);
  Result<void> run_scheduled_action(model::ScheduledScalingAction action, std::int64_t now_seconds);
  // The metric periods of a target tracking policy, oldest first.
  std::vector<std::optional<double>> periods_of(const TrackedMetric& metric, EpochMs now) const;

  // The members below act in the current pass's context (fenced with the leadership's term).
  SchedulerContext m_acting;
  Context& ctx() { return m_acting.ctx(); }
  const Context& ctx() const { return m_acting.ctx(); }
  int m_tick_ms;
  std::optional<std::int64_t> m_last_period;  // the metric period last evaluated
  // When the earliest scheduled action is due (epoch s; none: no action will run), as last read.
  // Read again only after a Put (schedules_changed) or after actions ran, so an idle tick reads
  // nothing from the store.
  std::optional<std::int64_t> m_next_scheduled;
  std::atomic<bool> m_scheduled_stale{true};
  // Whether some target's scale-out may still be being placed (true at start: the store may hold
  // one), so passes follow it every tick rather than once per period.
  bool m_pending_scale_outs = true;
  PeriodicWorker m_worker;
};

}  // namespace berth::svc
