// `berth attach TASK CONTAINER`: this terminal's input to a running container's stdin and its
// live output here, through the socket its shim serves (root only; no daemon needed, so it works
// across berth's restarts). Ctrl-C detaches and leaves the container running.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "cli/container_address.hpp"
#include "cli/runc_paths.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "common/files.hpp"
#include "common/numbers.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/attach_protocol.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {
namespace {

// At most this much of stdin waits for the socket; beyond it stdin is not read until the
// container takes some (it may never: its output must still come through meanwhile).
constexpr std::size_t k_max_unsent_input = 64 * 1024;

// Copies stdin to the socket as stdin frames and the socket's frames to stdout/stderr until the
// container ends; returns its exit code. Once stdin ends, output is still shown. The socket is
// written only when poll says it takes more, so a container that reads no input never stops
// its output from being shown.
int relay(int socket) {
  runtime::FrameReader reader;
  bool stdin_open = true;
  std::string unsent;
  while (true) {
    const bool read_stdin = stdin_open && unsent.size() < k_max_unsent_input;
    pollfd fds[2] = {{socket, static_cast<short>(POLLIN | (unsent.empty() ? 0 : POLLOUT)), 0},
                     {read_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    char buffer[16384];
    if (fds[1].revents) {
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n > 0) {
        unsent += runtime::encode_frames(runtime::FrameType::stdin_, {buffer, static_cast<std::size_t>(n)});
      } else if (n == 0 || errno != EINTR) {
        stdin_open = false;
      }
    }
    if (fds[0].revents & POLLOUT) {
      const ssize_t n = ::send(socket, unsent.data(), unsent.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        unsent.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        // The monitor went away (the container ended): its last frames may still be unread.
        unsent.clear();
        stdin_open = false;
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::read(socket, buffer, sizeof buffer);
    if (n <= 0) {
      std::cerr << "berth: the container's monitor closed the connection\n";
      return 1;
    }
    reader.feed({buffer, static_cast<std::size_t>(n)});
    while (true) {
      auto frame = reader.next();
      if (!frame) {
        std::cerr << "berth: " << frame.error().message << "\n";
        return 1;
      }
      if (!*frame) break;
      const auto& [type, payload] = **frame;
      if (type == runtime::FrameType::exit) return parse_integer<int>(payload).value_or(1);
      write_all(type == runtime::FrameType::stderr_ ? STDERR_FILENO : STDOUT_FILENO, payload);
    }
  }
}

}  // namespace

int attach_verb(const Words& words) {
  auto args = parse_args(words, config_flags());
  if (!args) return usage_error(args.error().message, "attach");
  if (args->help) {
    std::cout << verb_usage("attach");
    return 0;
  }
  if (args->positional.size() != 2) return usage_error("attach takes TASK CONTAINER", "attach");
  auto address = parse_container_address(args->positional[0], args->positional[1]);
  if (!address) return usage_error(address.error().message, "attach");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "attach");
  const std::string path = runc_paths(*config).state_root + "/" + runtime_id_of(*address) + "/" + runtime::k_attach_socket;
  auto socket = runtime::connect_unix(path);
  if (!socket) {
    const int error = socket.error().sys_errno;
    std::cerr << "berth: " << (error == ENOENT || error == ECONNREFUSED
                                   ? "container '" + address->container + "' of task " + address->task_id + " is not running on this gateway"
                                   : socket.error().message)
              << "\n";
    return 1;
  }
  return relay(socket->get());
}

}  // namespace berth::cli
