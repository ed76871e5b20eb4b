#include "svc/scaling_runner.hpp"

#include <cmath>

#include "common/ids.hpp"
#include "common/log.hpp"
#include "store/update_with_retry.hpp"
#include "svc/metric_alarms.hpp"

namespace berth::svc {
namespace {

constexpr std::string_view k_unable_to_place = "was unable to place a task";
// A scheduled action this late (berth was down, the clock jumped) is not made up.
constexpr std::int64_t k_scheduled_action_window_seconds = 60;

std::string setting_desired(int desired) { return "Setting desired count to " + std::to_string(desired) + "."; }
std::string fulfilled(int desired) {
  return "Successfully set desired count to " + std::to_string(desired) + ". Change successfully fulfilled by ecs.";
}

// ECS holds Application Auto Scaling's scale-in back while a deployment is in progress.
bool deployment_in_progress(const model::Service& s) {
  return s.deployments.size() > 1 || (!s.deployments.empty() && s.primary().rollout_state == "IN_PROGRESS");
}

// The tasks of the service's PRIMARY deployment that were placed and have not stopped.
Result<int> placed_tasks(Context& ctx, const model::Service& s) {
  store::TaskQuery query;
  query.cluster = s.cluster;
  query.started_by = s.primary().id;
  query.not_stopped = true;
  query.limit = 10'000;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  return static_cast<int>(tasks.size());
}

// What one step of the runner changes: the service's desiredCount (with an event), the scalable
// target (its bounds or the runner's memory of it) and an activity, each optional.
struct Step {
  std::optional<int> expected_desired;  // the desiredCount is changed only if it still is this
  int desired = 0;
  std::string event;  // added to the service's events when not empty
  std::function<void(model::ScalableTarget&)> change_target;
  std::optional<model::ScalingActivity> activity;
};

// Writes `step` in one transaction (store::ScalingStepWrite), reading the service and the target
// again on each try. False, writing nothing, when the desiredCount changed meanwhile (someone's
// UpdateService wins: the next period decides again), or the service or the target is gone.
Result<bool> commit_step(Context& ctx, const std::string& resource_id, const Step& step) {
  return store::update_with_retry(10, Code::conflict, "service or scalable target " + resource_id + " kept changing",
                                  [&]() -> Result<std::optional<bool>> {
    BERTH_ASSIGN(auto target, ctx.store.find_scalable_target(resource_id));
    if (!target) return false;
    store::ScalingStepWrite write;
    write.leader_term = ctx.leader_term;
    if (step.expected_desired) {
      BERTH_ASSIGN(auto found, ctx.store.find_service(target->cluster, target->service));
      if (!found || found->status != model::ServiceStatus::active || found->deployments.empty() ||
          found->desired_count != *step.expected_desired) {
        return false;
      }
      model::Service s = std::move(*found);
      s.desired_count = step.desired;
      s.deployments.front().desired_count = step.desired;
      if (!step.event.empty()) model::add_event(s, step.event, ctx.clock.now_ms(), random_uuid());
      write.service_version = s.version++;
      write.service = std::move(s);
    }
    if (step.change_target) {
      write.target_version = target->version;
      step.change_target(*target);
      target->version = write.target_version + 1;
      write.target = std::move(*target);
    }
    write.activity = step.activity;
    write.keep_activities = k_max_activities_per_target;
    BERTH_ASSIGN(bool saved, ctx.store.write_scaling_step(write));
    if (!saved) return std::nullopt;
    if (write.service) ctx.tasks_changed();
    return true;
  });
}

model::ScalingActivity new_activity(Context& ctx, const std::string& resource_id, std::string description,
                                    std::string cause) {
  model::ScalingActivity a;
  a.id = random_uuid();
  a.resource_id = resource_id;
  a.description = std::move(description);
  a.cause = std::move(cause);
  a.start_time = ctx.clock.now_ms();
  return a;
}

double statistic_of(const Datapoint& d, const std::string& statistic) {
  if (statistic == "Sum") return d.sum;
  if (statistic == "SampleCount") return d.sample_count;
  if (statistic == "Minimum") return d.minimum;
  if (statistic == "Maximum") return d.maximum;
  return d.sample_count > 0 ? d.sum / d.sample_count : NAN;
}

// The alarm named in a target tracking activity's cause: the policy's AlarmHigh or AlarmLow.
std::string alarm_name_of(const model::ScalingPolicy& policy, const std::string& kind) {
  for (const auto& alarm : policy.alarms) {
    const std::string name = alarm.value("AlarmName", "");
    if (name.find("-" + kind + "-") != std::string::npos) return name;
  }
  return kind;
}

}  // namespace

void ScalingRunner::pass() {
  // Another server leads the schedulers: nothing scales here. A new term reads the scheduled
  // actions' times again and follows scale-outs the last leader may have left being placed.
  bool new_term = false;
  if (!m_acting.begin(new_term)) return;
  if (new_term) {
    m_scheduled_stale = true;
    m_pending_scale_outs = true;
  }
  run_scheduled_actions();
  // Without a metric store nothing is measured: policies have nothing to act on.
  const EpochMs resolution = ctx().metrics ? std::max<EpochMs>(1, ctx().metrics->limits().resolution_ms) : 0;
  const std::optional<std::int64_t> period =
      resolution ? std::optional<std::int64_t>(ctx().clock.now_ms() / resolution) : std::nullopt;
  if (period && m_last_period != period) {
    m_last_period = period;
    evaluate_targets(Scope::everything);
  } else if (m_pending_scale_outs) {
    evaluate_targets(Scope::pending_scale_outs);
  }
}

void ScalingRunner::run_scheduled_actions() {
  const std::int64_t now = ctx().clock.now_ms() / 1000;
  if (m_scheduled_stale.exchange(false)) {
    auto earliest = ctx().store.earliest_scheduled_action();
    if (!earliest) {
      m_scheduled_stale = true;
      log_error("scaling: " + earliest.error().message);
      return;
    }
    m_next_scheduled = *earliest;
  }
  if (!m_next_scheduled || *m_next_scheduled > now) return;
  m_scheduled_stale = true;  // the actions below move their next runs
  auto due = ctx().store.due_scheduled_actions(now);
  if (!due) {
    log_error("scaling: " + due.error().message);
    return;
  }
  for (auto& action : *due) {
    const std::string name = action.resource_id + " " + action.name;
    try {
      if (auto ran = run_scheduled_action(std::move(action), now); !ran) log_error("scaling: " + ran.error().message);
    } catch (const std::exception& e) {
      log_error("scaling: scheduled action " + name + ": internal error: " + e.what());
    }
  }
}

Result<void> ScalingRunner::run_scheduled_action(model::ScheduledScalingAction action, std::int64_t now) {
  const std::int64_t due_at = *action.next_fire;
  BERTH_ASSIGN(auto target, ctx().store.find_scalable_target(action.resource_id));
  if (!target) return {};
  // Claim the run first (next time written, version-checked): at most once, even across a crash.
  const long long version = action.version++;
  // A next run that cannot be computed (its time zone gone) ends the schedule, logged once,
  // rather than leave it due and retried (and logged) every tick.
  auto next = next_run_of(ctx(), action, std::max(now, due_at));
  if (!next) log_error("scaling: scheduled action " + action.name + " will not run again: " + next.error().message);
  action.next_fire = next.value_or(std::nullopt);
  BERTH_ASSIGN(bool claimed, ctx().store.put_scheduled_action(action, version, k_max_scheduled_actions_per_target, ctx().leader_term));
  if (!claimed) return {};  // replaced or deleted meanwhile: the new definition decides
  if (target->suspended.scheduled_scaling) return {};
  if (now - due_at > k_scheduled_action_window_seconds) {
    log_warn("scaling: scheduled action " + action.name + " due at " + std::to_string(due_at) + " missed, not replayed");
    return {};
  }
  // The new bounds; a bound given alone moves the other one with it when they would cross.
  int min = action.min_capacity.value_or(target->min_capacity);
  int max = action.max_capacity.value_or(target->max_capacity);
  if (action.min_capacity && !action.max_capacity) max = std::max(max, min);
  if (action.max_capacity && !action.min_capacity) min = std::min(min, max);
  std::string what;  // "min capacity to 1 and max capacity to 5", as AWS words it
  if (action.min_capacity) what += "min capacity to " + std::to_string(min);
  if (action.min_capacity && action.max_capacity) what += " and ";
  if (action.max_capacity) what += "max capacity to " + std::to_string(max);
  const std::string description = "Setting " + what;
  auto activity = new_activity(ctx(), action.resource_id, description,
                               "scheduled action name " + action.name + " was triggered");
  activity.status_code = "Successful";
  activity.status_message = "Successfully set " + what;
  activity.end_time = ctx().clock.now_ms();
  Step step;
  step.change_target = [&](model::ScalableTarget& t) {
    t.min_capacity = min;
    t.max_capacity = max;
  };
  step.activity = activity;
  auto changed = commit_step(ctx(), action.resource_id, step);
  if (changed && !*changed) return {};  // deregistered meanwhile
  if (!changed) {
    activity.status_code = "Failed";
    activity.status_message = "Failed to set " + what + ": " + changed.error().message;
    BERTH_TRY(ctx().store.put_scaling_activity(activity, k_max_activities_per_target));
  }
  log_info("scaling: " + action.resource_id + ": " + description + " (scheduled action " + action.name + ")");
  // desiredCount into the new bounds at once, not at the next metric period.
  BERTH_ASSIGN(auto updated, ctx().store.find_scalable_target(action.resource_id));
  if (!updated) return {};
  BERTH_TRY(evaluate(std::move(*updated), ctx().clock.now_ms()));
  return {};
}

void ScalingRunner::evaluate_targets(Scope scope) {
  std::string after;
  bool pending = false;
  while (true) {
    auto targets = ctx().store.list_scalable_targets({}, after, 100);
    if (!targets) {
      log_error("scaling: " + targets.error().message);
      return;
    }
    for (auto& target : *targets) {
      const std::string id = target.resource_id();
      try {
        auto done = evaluate(std::move(target), ctx().clock.now_ms(), scope);
        if (!done) log_error("scaling: " + id + ": " + done.error().message);
        pending = pending || !done || *done;  // a failed pass is looked at again
      } catch (const std::exception& e) {
        log_error("scaling: " + id + ": internal error: " + e.what());
      }
      after = id;
    }
    if (targets->size() < 100) break;
  }
  m_pending_scale_outs = pending;
}

std::vector<std::optional<double>> ScalingRunner::periods_of(const TrackedMetric& metric, EpochMs now) const {
  std::vector<std::optional<double>> periods(sched::k_scale_in_periods * sched::k_missing_data_lookback);
  if (!ctx().metrics) return periods;
  const EpochMs resolution = std::max<EpochMs>(1, ctx().metrics->limits().resolution_ms);
  const EpochMs end = now / resolution * resolution;  // the current period is not complete yet
  const EpochMs start = end - resolution * static_cast<EpochMs>(periods.size());
  for (const auto& d : ctx().metrics->statistics(metric.id, start, end, resolution)) {
    const EpochMs index = (d.timestamp - start) / resolution;
    if (index >= 0 && index < static_cast<EpochMs>(periods.size())) {
      const double value = statistic_of(d, metric.statistic);
      if (std::isfinite(value)) periods[static_cast<std::size_t>(index)] = value;
    }
  }
  return periods;
}

Result<bool> ScalingRunner::evaluate(model::ScalableTarget target, EpochMs now, Scope scope) {
  const std::string resource_id = target.resource_id();
  if (scope == Scope::pending_scale_outs && target.memory.pending_activity.empty()) return false;
  BERTH_ASSIGN(auto found, ctx().store.find_service(target.cluster, target.service));
  if (!found || found->status != model::ServiceStatus::active || found->deployments.empty()) return false;
  const model::Service& service = *found;
  const int current = service.desired_count;
  model::ScalingMemory& memory = target.memory;

  // A scale-out still being placed: fulfilled, unplaceable, or wait for it.
  if (!memory.pending_activity.empty()) {
    BERTH_ASSIGN(int placed, placed_tasks(ctx(), service));
    BERTH_ASSIGN(auto activity, ctx().store.find_scaling_activity(memory.pending_activity));
    const bool unplaceable = current == memory.pending_desired && placed < current && !service.events.empty() &&
                             service.events.front().message.find(k_unable_to_place) != std::string::npos;
    if (placed < current && current == memory.pending_desired && !unplaceable) return true;
    const int pending_desired = memory.pending_desired;
    Step step;
    if (unplaceable) {
      step.expected_desired = current;
      step.desired = std::max(placed, target.min_capacity);
      step.event = "(service " + service.name + ") was unable to scale out to " + std::to_string(pending_desired) +
                   " tasks: only " + std::to_string(placed) +
                   " could be placed. Application Auto Scaling tries again after the scale-out cooldown.";
      if (activity) {
        activity->status_code = "Failed";
        activity->status_message = "Failed to set desired count to " + std::to_string(pending_desired) + ": " +
                                   service.events.front().message;
      }
    } else if (activity) {
      activity->status_code = current == pending_desired ? "Successful" : "Overridden";
      activity->status_message = current == pending_desired
                                     ? fulfilled(pending_desired)
                                     : "The desired count was changed to " + std::to_string(current) + " meanwhile.";
    }
    if (activity) {
      activity->end_time = ctx().clock.now_ms();
      step.activity = std::move(*activity);
    }
    step.change_target = [&](model::ScalableTarget& t) {
      t.memory.pending_activity.clear();
      t.memory.pending_desired = 0;
      if (unplaceable) {
        t.memory.last_scale_out_at = now;  // the next attempt waits for the whole cooldown
        t.memory.scale_out_failed = true;
      }
    };
    BERTH_ASSIGN(bool written, commit_step(ctx(), resource_id, step));
    if (written && unplaceable) {
      log_warn("scaling: " + resource_id + ": scale-out to " + std::to_string(pending_desired) + " could not be placed");
    }
    // Not written (the desired count changed meanwhile): still pending, so the next tick's pass
    // records the outcome (overridden) rather than waiting for a metric period, or for ever
    // without a metric store.
    return !written;
  }
  if (scope == Scope::pending_scale_outs) return false;

  const sched::Capacity capacity{current, target.min_capacity, target.max_capacity};
  std::optional<sched::ScalingDecision> decision;
  std::string cause;
  const int bounded = sched::clamp_capacity(current, capacity);
  if (bounded != current) {
    decision = sched::ScalingDecision{};
    decision->desired = bounded;
    decision->direction = bounded > current ? sched::ScalingDirection::out : sched::ScalingDirection::in;
    cause = bounded > current ? "minimum capacity was set to " + std::to_string(target.min_capacity)
                              : "maximum capacity was set to " + std::to_string(target.max_capacity);
  } else {
    const sched::ScalingAllowed allowed{!target.suspended.dynamic_scaling_out,
                                        !target.suspended.dynamic_scaling_in && !deployment_in_progress(service)};
    if (!allowed.scale_out && !allowed.scale_in) return false;
    BERTH_ASSIGN(auto policies, ctx().store.list_scaling_policies(resource_id, {}, "", k_max_policies_per_target));
    if (policies.empty()) return false;
    const sched::ScalingHistory history{memory.last_scale_out_at, memory.scale_out_from, memory.last_scale_in_at,
                                        memory.scale_out_failed};
    std::vector<sched::TargetTrackingPolicy> tracking;
    std::vector<sched::StepTrigger> triggers;
    for (const auto& policy : policies) {
      if (policy.type == "TargetTrackingScaling") {
        BERTH_ASSIGN(auto view, target_tracking_view(policy, target));
        view.policy.periods = periods_of(view.metric, now);
        tracking.push_back(std::move(view.policy));
      } else if (policy.type == "StepScaling") {
        BERTH_ASSIGN(auto step, step_scaling_view(policy));
        // The CloudWatch alarms whose AlarmActions name the policy, evaluated now.
        BERTH_ASSIGN(const auto alarms, alarms_with_action(ctx(), model::scaling_policy_arn(ctx().arns, policy)));
        for (const auto& status : alarms) {
          if (!status.alarm.actions_enabled || status.state != model::AlarmState::alarm) continue;
          // An alarm in ALARM without a value (missing data treated as breaching) breaches by 0.
          triggers.push_back({step, status.alarm.name, status.latest.value_or(status.alarm.threshold),
                              status.alarm.threshold});
        }
      }
    }
    std::vector<sched::ScalingDecision> outs, ins;
    for (auto d : {sched::target_tracking_decision(tracking, capacity, history, allowed, now),
                   sched::step_scaling_decision(triggers, capacity, history, allowed, now)}) {
      if (d) (d->direction == sched::ScalingDirection::out ? outs : ins).push_back(*d);
    }
    // Target tracking already required all its policies to agree on a scale-in.
    decision = sched::combine_decisions(outs, ins, true);
    if (!decision) return false;
    std::string alarm = decision->alarm;
    for (const auto& policy : policies) {
      if (policy.name == decision->policy && policy.type == "TargetTrackingScaling") {
        alarm = alarm_name_of(policy, decision->alarm);
      }
    }
    cause = "monitor alarm " + alarm + " in state ALARM triggered policy " + decision->policy;
  }

  const int desired = decision->desired;
  auto activity = new_activity(ctx(), resource_id, setting_desired(desired), cause);
  const bool out = desired > current;
  activity.status_code = out ? "InProgress" : "Successful";
  if (!out) {
    activity.status_message = fulfilled(desired);
    activity.end_time = ctx().clock.now_ms();
  }
  Step step;
  step.expected_desired = current;
  step.desired = desired;
  step.activity = activity;
  step.change_target = [&](model::ScalableTarget& t) {
    if (out) {
      t.memory.scale_out_from = current;
      t.memory.scale_out_failed = false;
      t.memory.last_scale_out_at = now;
      t.memory.pending_activity = activity.id;
      t.memory.pending_desired = desired;
    } else {
      t.memory.last_scale_in_at = now;
    }
  };
  BERTH_ASSIGN(bool set, commit_step(ctx(), resource_id, step));
  if (!set) return false;  // the service changed meanwhile: the next period decides again
  log_info("scaling: " + resource_id + ": desired count " + std::to_string(current) + " -> " + std::to_string(desired) +
           " (" + cause + ")");
  if (out) m_pending_scale_outs = true;
  return out;
}

}  // namespace berth::svc
