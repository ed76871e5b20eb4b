#include "cli/frame_relay.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <iostream>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "runtime/shim/attach_protocol.hpp"

namespace berth::cli {
namespace {

// At most this much of stdin waits for the socket; beyond it stdin is not read until the
// peer takes some (it may never: its output must still come through meanwhile).
constexpr std::size_t k_max_unsent_input = 64 * 1024;

// Set by SIGWINCH; the relay sends the new size.
std::atomic<bool> g_resized{false};
extern "C" void on_window_change(int) { g_resized = true; }

// A resize frame with this terminal's size; "" when stdin is not a terminal.
std::string size_frame() {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return "";
  return runtime::encode_frames(runtime::FrameType::resize, std::to_string(ws.ws_row) + " " + std::to_string(ws.ws_col));
}

}  // namespace

// Copies stdin to the socket as stdin frames and the socket's frames to stdout/stderr until the
// peer's exit frame. Once stdin ends, output is still shown. The socket is written only when
// poll says it takes more, so a peer that reads no input never stops its output from being shown.
int relay_frames(int socket, RelayOptions options, const std::string& early) {
  runtime::FrameReader reader;
  reader.feed(early);
  bool stdin_open = true;
  std::string unsent;
  if (options.terminal_size) {
    struct sigaction action{};
    action.sa_handler = on_window_change;
    ::sigaction(SIGWINCH, &action, nullptr);
    unsent += size_frame();
  }
  bool have_bytes = !early.empty();
  while (true) {
    if (g_resized.exchange(false)) unsent += size_frame();
    const bool read_stdin = stdin_open && unsent.size() < k_max_unsent_input;
    pollfd fds[2] = {{socket, static_cast<short>(POLLIN | (unsent.empty() ? 0 : POLLOUT)), 0},
                     {read_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
    if (!have_bytes && ::poll(fds, 2, -1) < 0) {
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
        if (options.end_input) unsent += runtime::encode_frames(runtime::FrameType::stdin_, "");
      }
    }
    if (fds[0].revents & POLLOUT) {
      const ssize_t n = ::send(socket, unsent.data(), unsent.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        unsent.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        // The peer went away (the command ended): its last frames may still be unread.
        unsent.clear();
        stdin_open = false;
      }
    }
    if (!have_bytes) {
      if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(socket, buffer, sizeof buffer);
      if (n <= 0) {
        std::cerr << "berth: the peer closed the connection before the command ended\n";
        return 1;
      }
      reader.feed({buffer, static_cast<std::size_t>(n)});
    }
    have_bytes = false;
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

}  // namespace berth::cli
