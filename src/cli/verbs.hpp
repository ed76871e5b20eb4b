// The verbs of the berth binary, one file each under cli/: each takes the words after its name,
// builds the parts it needs from the lower layers, runs and returns the process exit code.
// main.cpp only picks one by name. Called once, on the main thread.
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

using Words = std::vector<std::string>;

int serve_verb(const Words& words);
int image_verb(const Words& words);
int logs_verb(const Words& words);
int stats_verb(const Words& words);
int attach_verb(const Words& words);
int exec_verb(const Words& words);
int key_verb(const Words& words);
int join_token_verb(const Words& words);
// The replicated control plane's membership (berth-with-engine).
int peers_verb(const Words& words);
int info_verb(const Words& words);
int doctor_verb(const Words& words);
int help_verb(const Words& words);
// The operator's view of the cluster over the daemon's unix socket (tables or --output json).
int ps_verb(const Words& words);
int services_verb(const Words& words);
int instances_verb(const Words& words);
int schedules_verb(const Words& words);
int events_verb(const Words& words);
int describe_verb(const Words& words);
int run_verb(const Words& words);
int stop_verb(const Words& words);
int scale_verb(const Words& words);
int deploy_verb(const Words& words);
int wait_verb(const Words& words);
int completion_verb(const Words& words);
int version_verb(const Words& words);
// Internal: berth re-executed as a container's monitor by the runtime.
int shim_verb(const Words& words);
// berth as a container's init, and (internal) a task's namespace holder.
int init_verb(const Words& words);

}  // namespace berth::cli
