// Lost instances: a remote instance whose agent has been silent (no poll, no report) for the
// lost timeout is marked disconnected (agentConnected false: placement skips it), and its service
// tasks are stopped for good (desired and last status STOPPED, a stoppedReason that says the
// instance was lost), so their services replace them on connected instances. When the agent
// comes back, its poll no longer lists them and it stops its copies; its late reports cannot
// revive them (a STOPPED task is final). The gateway's own instance is never lost. Run by the
// service scheduler's thread; thread-safe as the Store is.
#pragma once

#include <cstddef>

#include "svc/context.hpp"

namespace berth::svc {

struct LostInstancesSweep {
  std::size_t instances_lost = 0;  // newly marked disconnected
  std::size_t tasks_stopped = 0;
};

// One pass over every ACTIVE cluster's ACTIVE and DRAINING instances at ctx.clock's now, with
// the silence bound of ctx.remote_agents (none: nothing to do). Announces a change when it
// stopped tasks or lost an instance.
[[nodiscard]] Result<LostInstancesSweep> sweep_lost_instances(Context& ctx);

// How often the sweep runs: a tenth of the lost timeout, at least a second apart (every 30 s with
// the default 300 s), so an instance is lost within 110 % of the timeout and an idle gateway
// reads little.
EpochMs lost_sweep_interval_ms(const Context& ctx);

}  // namespace berth::svc
