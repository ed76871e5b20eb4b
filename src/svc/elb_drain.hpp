// The deregistration delay of services behind load balancers, as ECS sequences a stop: a task the
// service scheduler stops is first deregistered from its target groups (no new connections reach
// it; the ones open go on), and is stopped only once the longest
// deregistration_delay.timeout_seconds of its groups has passed. The scheduler passes its plan's
// stops through here and commits only those admitted; it asks again on later passes. Thread-safe.
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

}  // namespace berth::svc
