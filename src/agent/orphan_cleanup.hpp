// At berth's start, before the agent's first pass: removes what tasks that are gone left behind
// in the runtime (containers no task of this instance names, with their tasks' cgroups and files
// under the data dir, as a removal queued when berth was killed would have; networks of tasks
// that stopped while berth was down or whose teardown failed), and re-guards the host for the
// tasks that outlived the restart. Best effort: failures are logged. Thread-safe as the runtime is.
#pragma once

#include <string>
#include <vector>

#include "model/task.hpp"
#include "runtime/runtime.hpp"

namespace berth::agent {

// `active`: the tasks on this instance that have not stopped; `data_dir`: where tasks' volumes/
// and bundles/<task>-etc are.
void remove_orphans(runtime::Runtime& runtime, const std::vector<model::Task>& active, const std::string& data_dir,
                    const std::string& cgroup_parent);

}  // namespace berth::agent
