// The secrets a joined gateway's agent needs for the tasks placed on its instance: the serving
// gateway holds the secrets store and resolves them into the instance's poll reply (its own signed
// TLS channel), only for tasks that still have containers to start (a started container holds its
// values; a restart in place reuses them). Thread-safe (reads the store).
#pragma once

#include <vector>

#include "model/remote_secrets.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// The references of `tasks` (desired RUNNING, with a container not started yet) resolved, each
// once, at most model::k_max_served_secrets: a value, or the error the local resolver would give
// (it names the reference only). `definitions` holds the tasks' task definitions.
std::vector<model::ServedSecret> secrets_to_serve(Context& ctx, const std::vector<model::Task>& tasks,
                                                                        const std::vector<model::TaskDefinition>& definitions);

}  // namespace berth::svc
