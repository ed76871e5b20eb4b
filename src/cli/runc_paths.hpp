// Where this gateway's runtime keeps its files, from the configuration: shared by `berth serve`
// (which runs containers) and the verbs that reach a running container directly (attach, exec).
// Pure but for reading /proc/self/exe; thread-safe.
#pragma once

#include <string>

#include "common/config.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace berth::cli {

// This binary's path ("berth" if /proc cannot tell), re-executed as the containers' shim.
std::string self_executable();

// The runc runtime's directories under the config's run and data dirs.
runtime::RuncPaths runc_paths(const Config& config);

}  // namespace berth::cli
