// A `berth exec` session on the daemon's side: runs a `runc exec` command line for a client
// connected on a socket, speaking the attach protocol (runtime/shim/attach_protocol.hpp) to it:
// stdin frames in (an empty one ends the input), resize frames ("ROWS COLS") for a terminal,
// stdout/stderr frames out, then one exit frame. With a terminal the command gets a pty of its
// own (runc needs its stdio to be a terminal to make the container's); output is then one stream.
// One call serves one session on the calling thread; thread-safe (nothing shared).
#pragma once

#include <atomic>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace berth::runtime {

struct ExecSessionIo {
  bool tty = false;          // a pty for the command (runc exec --tty)
  bool interactive = false;  // stdin frames reach the command; otherwise it reads /dev/null
};

// At most this much of the command's output waits for a slow client before the command's output
// is no longer read (it then blocks writing, as on a full pipe); at most this much input waits
// for the command before the client's frames are no longer read.
inline constexpr std::size_t k_max_session_buffer = 256 * 1024;

// Serves the session: runs `runc_argv` (runc_exec_argv), relays until it ends and returns its
// exit status (128+N when killed by signal N; 255 when it could not start, after telling the
// client on stderr). When the client leaves, sends a frame the protocol does not allow, or `stop`
// becomes true: runc gets SIGHUP (it passes it on to the command); if runc has not ended 2
// seconds later, the command with its process group (kill_exec_command: runc cannot pass SIGKILL
// on) and runc get SIGKILL. When runc has ended by then, nothing is signalled, and output still
// open (held by what the command left running) is no longer relayed. `socket` is borrowed;
// `early_input` holds bytes the client sent before the session began.
int serve_exec_session(const std::vector<std::string>& runc_argv, ExecSessionIo io, int socket,
                       std::string early_input, const std::atomic<bool>& stop);

// Parses a resize frame's payload "ROWS COLS" (each 1..65535); nothing when malformed.
struct TerminalSize {
  unsigned short rows = 0;
  unsigned short cols = 0;
};
std::optional<TerminalSize> parse_terminal_size(std::string_view payload);

}  // namespace berth::runtime
