#include "runtime/linux/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <functional>

namespace berth::runtime {
namespace {

// Runs `act` on an address for `path`. sun_path holds 107 characters, while a state directory
// under a long run dir plus a container name can be longer: then the directory is opened and
// named through /proc/self/fd, which the kernel resolves like any other path.
Result<void> with_address(const std::string& path, const std::function<int(const sockaddr_un&)>& act) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string name = path;
  UniqueFd directory;
  if (path.size() >= sizeof address.sun_path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    directory = UniqueFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!directory.valid()) return sys_fail("open " + dir);
    name = "/proc/self/fd/" + std::to_string(directory.get()) + "/" + path.substr(slash + 1);
    if (name.size() >= sizeof address.sun_path) return fail(Code::invalid_parameter, "socket name too long: " + path);
  }
  std::memcpy(address.sun_path, name.c_str(), name.size() + 1);
  if (act(address) != 0) return sys_fail(path);
  return {};
}

// Control-message room for one descriptor.
using FdControl = std::array<char, CMSG_SPACE(sizeof(int))>;

// A message of the one buffer `data` with `control` as its control area.
msghdr message_of(iovec& data, FdControl& control) {
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  return message;
}

}  // namespace

Result<UniqueFd> listen_unix(const std::string& path, mode_t mode) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return sys_fail("socket");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_fail("unlink " + path);
  // The umask makes the file private from its creation; chmod then sets exactly `mode`.
  const mode_t old_mask = ::umask(0777 & ~mode);
  auto bound = with_address(path, [&](const sockaddr_un& a) {
    return ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
  });
  ::umask(old_mask);
  if (!bound) return std::unexpected(bound.error());
  if (::chmod(path.c_str(), mode) != 0) return sys_fail("chmod " + path);
  if (::listen(fd.get(), 8) != 0) return sys_fail("listen " + path);
  return fd;
}

Result<UniqueFd> connect_unix(const std::string& path, int type) {
  UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_fail("socket");
  BERTH_TRY(with_address(path, [&](const sockaddr_un& a) {
    return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
  }));
  return fd;
}

Result<void> send_fd(int socket, int fd, std::string_view data) {
  char zero = 0;
  iovec io = data.empty() ? iovec{&zero, 1} : iovec{const_cast<char*>(data.data()), data.size()};
  alignas(cmsghdr) FdControl control{};
  msghdr message = message_of(io, control);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  ssize_t sent;
  while ((sent = ::sendmsg(socket, &message, MSG_NOSIGNAL)) < 0) {
    if (errno != EINTR) return sys_fail("sendmsg");
  }
  if (static_cast<std::size_t>(sent) != io.iov_len) return fail(Code::server, "sendmsg sent part of the message");
  return {};
}

Result<UniqueFd> receive_fd(int socket, std::string* data) {
  // runc sends the pty's path as the data; a spare shim gets its arguments.
  std::array<char, k_max_fd_message> buffer;
  iovec io{buffer.data(), buffer.size()};
  alignas(cmsghdr) FdControl control{};
  msghdr message = message_of(io, control);
  ssize_t n;
  while ((n = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR) return sys_fail("recvmsg");
  }
  if (n == 0) return fail(Code::server, "the peer closed the socket without sending a descriptor");
  // More descriptors than the one expected are truncated away (MSG_CTRUNC) and closed by the kernel.
  UniqueFd received;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS && header->cmsg_len == CMSG_LEN(sizeof(int))) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
      received = UniqueFd(fd);
      break;
    }
  }
  if (!received.valid()) return fail(Code::server, "the message carried no descriptor");
  if (message.msg_flags & MSG_TRUNC) return fail(Code::server, "the message was longer than " + std::to_string(k_max_fd_message) + " bytes");
  if (data) data->assign(buffer.data(), static_cast<std::size_t>(n));
  return received;
}

}  // namespace berth::runtime
