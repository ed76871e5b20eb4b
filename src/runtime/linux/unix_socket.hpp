// Unix stream sockets by path, and passing a file descriptor over one (SCM_RIGHTS): how runc
// hands a container's pty master to its shim, how the shim serves `berth attach`, and how berth
// hands a spare shim its container.
// Not for threaded processes: listen_unix sets the process-wide umask while it binds (the shim,
// which serves the sockets, is single-threaded).
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

// Listens on `path` (an old socket file there is replaced), its mode set to `mode` before any
// client can connect. A path longer than sockaddr_un holds is bound through /proc/self/fd.
// The socket is close-on-exec and non-blocking.
[[nodiscard]] Result<UniqueFd> listen_unix(const std::string& path, mode_t mode);

// Connects a socket of `type` (SOCK_STREAM or SOCK_DGRAM) to the socket at `path` (any length,
// as listen_unix). Blocking, close-on-exec.
[[nodiscard]] Result<UniqueFd> connect_unix(const std::string& path, int type = SOCK_STREAM);

// Sends `fd` over the connected unix socket `socket` in one message whose data is `data` (one
// zero byte when empty: a descriptor needs data to travel with).
[[nodiscard]] Result<void> send_fd(int socket, int fd, std::string_view data = {});

// The most data receive_fd takes with a descriptor; a longer message (on a datagram or seqpacket
// socket) is refused, as it arrives cut.
inline constexpr std::size_t k_max_fd_message = 16384;

// Receives one file descriptor sent over `socket` (by send_fd, or runc's console socket, which
// sends the pty's name as data), and the message's data into `data` when given. Fails when the
// peer sent none or closed. The fd is close-on-exec.
[[nodiscard]] Result<UniqueFd> receive_fd(int socket, std::string* data = nullptr);

}  // namespace berth::runtime
