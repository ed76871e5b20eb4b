// A joined gateway's desired state, mirrored from the serving gateway into its own store, where
// its agent reads it exactly as the local agent reads the tasks placed on it: one agent, two
// sources of desired state. A poll reply is the instance's complete desired state; applying it
// adds the tasks the node does not have yet (with their task definitions), passes on the stops the
// server asks for, and stops every task the node runs that the reply does not list (fencing: the
// server stopped or replaced it while the node was cut off). Only desired state is written here;
// what the agent observed stays the agent's. Called from the link's poll thread; the store is
// thread-safe and a change racing the agent's is retried on the fresh row.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/instance_poll.hpp"
#include "store/store.hpp"

namespace berth::agent {

// What applying a reply changed.
struct MirrorOutcome {
  int added = 0;     // tasks new to the node
  int stopping = 0;  // tasks the server asked to stop
  int fenced = 0;    // tasks the node ran that the server no longer lists
  bool changed() const { return added + stopping + fenced > 0; }
};

// The stoppedReason of a task the node stops because the server no longer lists it.
inline constexpr const char* k_fenced_reason =
    "The serving gateway no longer lists this task: it was stopped or replaced while this instance was cut off";

// Applies `reply`, the desired state of instance `instance_id`, to `store`. A task of another
// instance in the reply is ignored. Errors: the store's.
[[nodiscard]] Result<MirrorOutcome> apply_desired_state(store::Store& store, const std::string& instance_id,
                                                        const model::PollInstanceTasksReply& reply, EpochMs now);

}  // namespace berth::agent
