// A container monitor started ahead of need. Starting a container's shim means executing berth
// again (a static binary of some megabytes: loading it and its start-up were the largest part of
// berth's own share of a start, ~2.5 ms of ~6.3). So the runtime keeps one `berth shim --spare`
// waiting on a socket, hands it a container's shim arguments and report pipe when a container
// starts, and starts the next spare once the start is recorded. A spare has made the fork that
// parts it from berth, its first process has exited and been reaped, and it has left berth's
// session and run its hand-over's decoding once, before it is handed anything (all off the
// start's path: on two cores that exit took a third of a ms from runc, and the cold decoding a
// quarter of a ms of CPU). A spare whose berth is gone (its socket closed) exits without doing
// anything.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::runtime {

class SpareShim {
 public:
  // Starts `self_exe shim --spare` and waits (a few ms) until its first process has forked the
  // spare, said the spare's pid and exited. The spare waits until handed a container or until
  // this object goes.
  [[nodiscard]] static Result<SpareShim> start(const std::string& self_exe);

  SpareShim(SpareShim&& other) noexcept;
  SpareShim& operator=(SpareShim&& other) noexcept;
  SpareShim(const SpareShim&) = delete;
  SpareShim& operator=(const SpareShim&) = delete;
  // A spare never handed a container is told to go (its socket closes); it exits by itself.
  ~SpareShim();

  // Hands the spare the container `options` names, with `sync_fd` as the pipe it reports on (in
  // place of options.sync_fd). From then on it is that container's shim, as if started with
  // shim_args(options), and nothing is left to reap. Fails if the spare is gone.
  [[nodiscard]] Result<void> hand(const ShimOptions& options, int sync_fd) &&;

  // The spare's pid: not berth's child (its parent has exited), so not for berth to reap.
  pid_t pid() const { return m_pid; }

 private:
  SpareShim(pid_t pid, UniqueFd socket) : m_pid(pid), m_socket(std::move(socket)) {}
  void release();  // closes the socket: a spare not handed a container exits
  pid_t m_pid = -1;
  UniqueFd m_socket;
};

// The spare's side (`berth shim --spare`, control socket on `control_fd`): forks, and the first
// process sends the child's pid on the socket and returns; the child detaches (detach_shim), warms
// the hand-over's decoding, waits for a container and runs as its shim (run_detached_shim).
// Returns the exit code, 0 when berth went without handing one.
int run_spare_shim(int control_fd);

}  // namespace berth::runtime
