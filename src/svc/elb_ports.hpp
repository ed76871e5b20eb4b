// Listener ports are the gateway's ports like tasks' host ports: a listener is refused on a port a
// task holds, and placement gives no task a port a listener holds (on the serving gateway's own
// instance, where listeners answer). Thread-safe.
#pragma once

#include <set>

#include "model/cluster_snapshot.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// InvalidConfigurationRequest naming the task when a task not STOPPED on this gateway holds
// `port` (tcp) as a host port.
[[nodiscard]] Result<void> check_listener_port_free(Context& ctx, int port);

// The ports berth's listeners hold (none when ELB's objects cannot be read: placement then
// goes on, and CreateListener's own check still refuses a taken port).
std::set<int> listener_ports(Context& ctx);

// `snapshot` as placement must see it: with the listeners' ports reserved on this gateway's
// instance. Returns `snapshot` itself when no listener exists, else `scratch` filled.
const model::ClusterSnapshot& with_listener_ports(Context& ctx, const model::ClusterSnapshot& snapshot,
                                                  model::ClusterSnapshot& scratch);

}  // namespace berth::svc
