// The per-container monitor: berth re-executes itself as `berth shim ...`. It detaches
// (double fork, setsid), becomes the container's subreaper, runs `runc run --detach`,
// holds the container's stdout/stderr (or its pty) and writes them where its log driver says
// (a size-rotated log, nothing, syslog, journald: container_output.hpp), serves
// `berth attach`, waits for the container and records its exit status atomically, so that
// containers outlive berth.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "runtime/container_logging.hpp"

namespace berth::runtime {

struct ShimOptions {
  std::string id;           // runc container id
  std::string bundle;       // bundle directory (config.json)
  std::string state_dir;    // shim.pid, container.pid, exit.json, runc.log
  std::string runc = "runc";
  std::string runc_root;
  std::string log_path;     // container output (the file sink)
  ContainerLogging logging; // where output goes: the file, nowhere, syslog or journald
  std::size_t log_max_bytes = 1 << 20;
  int log_files = 2;        // rotated files kept besides the current one
  std::string cgroup;       // the container's cgroup path, for OOM detection
  // Where "ok <pid> <runc began> <runc ended>" (monotonic µs, for the start trace) or
  // "error <message>" is reported once.
  int sync_fd = -1;
  bool terminal = false;    // the container has a pty (pseudoTerminal); its output is logged as stdout
  bool open_stdin = false;  // interactive: stdin stays open (a pipe, or the pty) for attached input
};

// Parses the words after `berth shim`.
[[nodiscard]] Result<ShimOptions> parse_shim_args(const std::vector<std::string>& words);

// The words that make `berth shim` run with `options` (inverse of parse_shim_args).
std::vector<std::string> shim_args(const ShimOptions& options);

// Runs the shim; returns the process exit code. Only called in the re-executed process.
// While the container runs, the shim serves k_attach_socket (see attach_server.hpp).
int run_shim(const ShimOptions& options);

// What a shim sets up before it knows its container, so that a spare does it while it waits (the
// hand-over to runc's start then skips it): its own session, the subreaper role, and a signalfd
// for the signals it handles (SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE). It does not block them:
// a spare stays killable while it waits.
struct DetachedShim {
  int signal_fd = -1;
};
DetachedShim detach_shim();

// run_shim's work in the process already parted from berth (run_shim's child, or a spare's), set
// up by detach_shim: it blocks the signals it handles and reads them from the signalfd.
int run_detached_shim(const ShimOptions& options, const DetachedShim& detached);

// Exit record written by the shim (exit.json): {"exitCode", "signal", "oomKilled",
// "finishedAt" (epoch ms), "startError" (when the container never started), "logDropped" (lines a
// socket log sink dropped, when any)}.
inline constexpr const char* k_exit_file = "exit.json";
inline constexpr const char* k_shim_pid_file = "shim.pid";
inline constexpr const char* k_attach_socket = "attach.sock";
// Where the log ingester says how far it read a blocking awslogs container's file (see
// ContainerLogging::progress_path): "<ns>\n", the shim time of the last record it took.
inline constexpr const char* k_log_progress_file = "log-progress";

}  // namespace berth::runtime
