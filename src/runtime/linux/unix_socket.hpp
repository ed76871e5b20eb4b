// Unix stream sockets by path, and passing a file descriptor over one (SCM_RIGHTS): how runc
// hands a container's pty master to its shim, and how the shim serves `berth attach`.
// Not for threaded processes: listen_unix sets the process-wide umask while it binds (the shim,
// which serves the sockets, is single-threaded).
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

// Listens on `path` (an old socket file there is replaced), its mode set to `mode` before any
// client can connect. A path longer than sockaddr_un holds is bound through /proc/self/fd.
// The socket is close-on-exec and non-blocking.
[[nodiscard]] Result<UniqueFd> listen_unix(const std::string& path, mode_t mode);

// Connects to the socket at `path` (any length, as listen_unix). Blocking, close-on-exec.
[[nodiscard]] Result<UniqueFd> connect_unix(const std::string& path);

// Sends `fd` with one byte of data over the connected unix socket `socket`.
[[nodiscard]] Result<void> send_fd(int socket, int fd);

// Receives one file descriptor sent over `socket` (by send_fd, or runc's console socket, which
// sends the pty's name as data). Fails when the peer sent none or closed. The fd is close-on-exec.
[[nodiscard]] Result<UniqueFd> receive_fd(int socket);

}  // namespace berth::runtime
