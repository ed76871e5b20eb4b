// The client side of the attach protocol (runtime/shim/attach_protocol.hpp), shared by
// `berth attach` (a container's monitor) and `berth exec` (the daemon's exec session): this
// process's stdin to stdin frames, the peer's stdout/stderr frames to this process's, until the
// exit frame. Not thread-safe (it owns the process's stdio while it runs).
#pragma once

#include <string>

namespace berth::cli {

struct RelayOptions {
  // Send an empty stdin frame when stdin ends (exec: the command sees end of input). attach
  // never does: the container's stdin stays open for other clients.
  bool end_input = false;
  // Send resize frames ("ROWS COLS") with this terminal's size at start and on SIGWINCH.
  bool terminal_size = false;
};

// Relays on `socket` until the peer's exit frame; returns its exit code (1 when the peer closed
// without one or sent a bad frame, after saying so on stderr). `early` holds bytes already
// received from the peer.
int relay_frames(int socket, RelayOptions options, const std::string& early = "");

}  // namespace berth::cli
