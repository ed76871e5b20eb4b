// A container's init (linuxParameters.initProcessEnabled) and the reaping loop it shares with a
// task's namespace holder. berth's own binary plays init: `berth init -- CMD...` runs CMD as its
// only child, forwards it every catchable signal, reaps every process that ends up its child (a
// PID 1 inherits the orphans of its namespace; elsewhere it makes itself a child subreaper so
// they come to it) and exits with the child's status. Each function runs the calling process's
// main loop: call it from a single-threaded process.
#pragma once

#include <string>
#include <vector>

namespace berth::runtime {

// Runs `argv` (argv[0] looked up in PATH) under this process as init until it exits, and returns
// the status to exit with: its exit status, 127 if it could not be found, 126 if it could not be
// run, 2 for an empty `argv`.
int run_init(const std::vector<std::string>& argv);

// Reaps every child that ends until SIGTERM or SIGINT arrives, then returns 0: the PID 1 of a
// namespace that has no command of its own (the task's namespace holder).
int reap_until_terminated();

}  // namespace berth::runtime
