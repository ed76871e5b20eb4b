// The deregistration delay of services behind load balancers, as ECS sequences a stop: a task the
// service scheduler stops is first deregistered from its target groups (no new connections reach
// it; the ones open go on), and is stopped only once the longest
// deregistration_delay.timeout_seconds of its groups has passed. The scheduler passes its plan
// through here and commits only the stops admitted; it asks again on later passes, which is why a
// deleted service stays DRAINING while its tasks drain. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "sched/plan.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Returns the stops of `service`'s plan that may be committed now: those of tasks not behind a
// load balancer, not running, or whose delay has passed; the others start (or go on) draining.
// On a read error every stop is admitted (a failure must not keep tasks running forever).
std::vector<sched::TaskStop> admit_stops(Context& ctx, const std::string& cluster, const std::string& service,
                                         std::vector<sched::TaskStop> stops);

// Passes `plan`'s stops (planned for `service` as it was, `before`) through admit_stops. While a
// stop is held, a service the plan would retire (DRAINING to INACTIVE: deleted, no task left)
// stays DRAINING, as ECS keeps a deleted service until its tasks have stopped: an INACTIVE
// service is planned no more, so its held tasks would run forever. The service update is dropped
// when nothing else in it changes (a pass writes only on change).
void admit_plan_stops(Context& ctx, const std::string& cluster, const model::ServiceState& before, sched::Plan& plan);

}  // namespace berth::svc
