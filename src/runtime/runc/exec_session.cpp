#include "runtime/runc/exec_session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <utility>

#include "common/numbers.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/runc/runc_exec.hpp"
#include "runtime/shim/attach_protocol.hpp"

namespace berth::runtime {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How often a session looks at its command and the stop flag while nothing else happens.
constexpr int k_poll_ms = 200;
constexpr auto k_kill_grace = std::chrono::seconds(2);

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// runc and the streams to it. A Child still unreaped when it goes (only when serving threw) is
// killed with its command and reaped: no zombie, nothing left running.
struct Child {
  Child() = default;
  Child(Child&& other) noexcept
      : pid(std::exchange(other.pid, -1)),
        input(std::move(other.input)),
        output(std::move(other.output)),
        errors(std::move(other.errors)) {}
  Child& operator=(Child&&) = delete;
  ~Child() {
    if (pid < 0) return;
    kill_exec_command(pid);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  pid_t pid = -1;   // runc, until reaped (then -1: the pid may be another process's)
  UniqueFd input;   // the command's stdin (a pipe), or the pty master with a terminal
  UniqueFd output;  // its stdout (a pipe), or the pty master again (dup)
  UniqueFd errors;  // its stderr; none with a terminal
};

// Starts runc in a session of its own whose controlling terminal is the slave of a new pty, as
// stdin, stdout and stderr: a resize of the master then signals runc (SIGWINCH), which resizes
// the container's terminal.
Result<Child> start_with_terminal(const std::vector<std::string>& argv) {
  UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master.valid() || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0) return sys_fail("posix_openpt");
  char name[64];
  if (::ptsname_r(master.get(), name, sizeof name) != 0) return sys_fail("ptsname");
  UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave.valid()) return sys_fail(std::string("open ") + name);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork " + argv.front());
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);  // berth ignores it; the command must not inherit that
    ::setsid();
    ::ioctl(slave.get(), TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; ++fd) ::dup2(slave.get(), fd);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  Child child;
  child.pid = pid;
  child.output = UniqueFd(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
  child.input = std::move(master);
  return child;
}

Result<Child> start_with_pipes(const std::vector<std::string>& argv, bool interactive) {
  // Each pipe: [0] read end, [1] write end; the child's ends close here once it has them.
  std::array<UniqueFd, 2> in, out, err;
  const auto make_pipe = [](std::array<UniqueFd, 2>& ends) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    ends = {UniqueFd(fds[0]), UniqueFd(fds[1])};
    return true;
  };
  if ((interactive && !make_pipe(in)) || !make_pipe(out) || !make_pipe(err)) return sys_fail("pipe");
  Child child;
  BERTH_ASSIGN(child.pid, spawn_process(argv, {.stdout_fd = out[1].get(), .stderr_fd = err[1].get(), .stdin_fd = in[0].get()}));
  child.input = std::move(in[1]);
  child.output = std::move(out[0]);
  child.errors = std::move(err[0]);
  return child;
}

// The session's relay state: what waits for the client and for the command.
class Relay {
 public:
  Relay(int socket, Child& child, ExecSessionIo io) : m_socket(socket), m_child(child), m_io(io) {}

  int run(std::string early_input, const std::atomic<bool>& stop) {
    m_reader.feed(early_input);
    // A bad frame before the session began ends it as a client that left does.
    if (!take_frames()) m_client_open = false;
    std::optional<SteadyClock::time_point> kill_at;
    int status = -1;
    while (true) {
      if (status < 0) status = reap();
      const bool output_open = m_child.output.valid() || m_child.errors.valid();
      if (status >= 0 && !output_open) break;
      const bool ending = stop || !m_client_open;
      if (ending && status >= 0) {
        // runc has ended and is reaped: its pid is no longer ours to signal. Its output may stay
        // open in processes the command left behind; nobody reads it any more.
        close_output();
        break;
      }
      if (ending && !kill_at) {
        signal_runc(SIGHUP);  // runc passes it on to the command
        kill_at = SteadyClock::now() + k_kill_grace;
      }
      if (kill_at && SteadyClock::now() >= *kill_at) {
        // runc cannot pass SIGKILL on: the command (runc's child) is killed, then runc.
        kill_exec_command(m_child.pid);
        signal_runc(SIGKILL);
        close_output();
        status = exit_status_of_wait(wait_status());
        break;
      }
      if (!poll_once()) m_client_open = false;
    }
    return end_session(status);
  }

 private:
  // The exit status of runc once it has ended (reaping it), else -1.
  int reap() {
    int wait_status = 0;
    if (::waitpid(m_child.pid, &wait_status, WNOHANG) != m_child.pid) return -1;
    m_child.pid = -1;
    return exit_status_of_wait(wait_status);
  }
  // Signals runc, only while it is unreaped (its pid is then still runc's).
  void signal_runc(int signal) {
    if (m_child.pid > 0) ::kill(m_child.pid, signal);
  }
  int wait_status() {
    int status = 0;
    while (::waitpid(m_child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_child.pid = -1;
    return status;
  }
  void close_output() {
    m_child.output.reset();
    m_child.errors.reset();
  }

  // One poll over the client and the command's streams; false when the client is gone.
  bool poll_once() {
    const bool room_out = m_to_client.size() < k_max_session_buffer;
    const bool room_in = m_to_command.size() < k_max_session_buffer;
    pollfd fds[4] = {
        {m_client_open ? m_socket : -1,
         static_cast<short>((room_in ? POLLIN : 0) | (m_to_client.empty() ? 0 : POLLOUT)), 0},
        {room_out ? m_child.output.get() : -1, POLLIN, 0},
        {room_out ? m_child.errors.get() : -1, POLLIN, 0},
        {m_to_command.empty() ? -1 : m_child.input.get(), POLLOUT, 0}};
    if (::poll(fds, 4, k_poll_ms) < 0) return errno == EINTR;
    if (fds[1].revents) read_output(m_child.output, FrameType::stdout_);
    if (fds[2].revents) read_output(m_child.errors, FrameType::stderr_);
    if (fds[3].revents) write_input();
    if (fds[0].revents & POLLOUT) {
      if (!send_to_client()) return false;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[16384];
      const ssize_t n = ::recv(m_socket, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
      if (n > 0) {
        m_reader.feed({buffer, static_cast<std::size_t>(n)});
        if (!take_frames()) return false;
      }
    }
    return true;
  }

  void read_output(UniqueFd& fd, FrameType type) {
    char buffer[16384];
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      m_to_client += encode_frames(type, {buffer, static_cast<std::size_t>(n)});
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      // EOF, or EIO from a pty master once the command and runc have closed its slave.
      fd.reset();
    }
  }

  void write_input() {
    const ssize_t n = ::write(m_child.input.get(), m_to_command.data(), m_to_command.size());
    if (n > 0) {
      m_to_command.erase(0, static_cast<std::size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      m_to_command.clear();  // the command closed its input: what it did not read is dropped
    }
    if (m_to_command.empty() && m_input_ended && !m_io.tty) m_child.input.reset();
  }

  bool send_to_client() {
    const ssize_t n = ::send(m_socket, m_to_client.data(), m_to_client.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) m_to_client.erase(0, static_cast<std::size_t>(n));
    return n >= 0 || errno == EAGAIN || errno == EINTR;
  }

  // Acts on the complete frames received; false on a frame the protocol does not allow.
  bool take_frames() {
    while (true) {
      auto frame = m_reader.next();
      if (!frame) return false;
      if (!*frame) return true;
      const auto& [type, payload] = **frame;
      if (type == FrameType::resize) {
        const auto size = parse_terminal_size(payload);
        if (!size) return false;
        if (m_io.tty) {
          const winsize ws{size->rows, size->cols, 0, 0};
          ::ioctl(m_child.input.get(), TIOCSWINSZ, &ws);
        }
      } else if (type != FrameType::stdin_) {
        return false;
      } else if (!m_io.interactive || !m_child.input.valid()) {
        continue;  // input for a command that reads none is dropped, as attach drops it
      } else if (payload.empty()) {
        m_input_ended = true;
        if (m_to_command.empty() && !m_io.tty) m_child.input.reset();
      } else {
        m_to_command += payload;
      }
    }
  }

  // Sends what is left and the exit frame (blocking, bounded by the socket's send timeout).
  int end_session(int status) {
    if (m_client_open) {
      m_to_client += encode_frames(FrameType::exit, std::to_string(status));
      // A client that stopped reading must not hold the session open.
      const timeval timeout{5, 0};
      ::setsockopt(m_socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      for (std::size_t at = 0; at < m_to_client.size();) {
        const ssize_t n = ::send(m_socket, m_to_client.data() + at, m_to_client.size() - at, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        at += static_cast<std::size_t>(n);
      }
    }
    return status;
  }

  int m_socket;
  Child& m_child;
  ExecSessionIo m_io;
  FrameReader m_reader;
  std::string m_to_client;
  std::string m_to_command;
  bool m_client_open = true;
  bool m_input_ended = false;
};

}  // namespace

std::optional<TerminalSize> parse_terminal_size(std::string_view payload) {
  const auto space = payload.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto rows = parse_integer<unsigned short>(payload.substr(0, space));
  const auto cols = parse_integer<unsigned short>(payload.substr(space + 1));
  if (!rows || !cols || *rows == 0 || *cols == 0) return std::nullopt;
  return TerminalSize{*rows, *cols};
}

int serve_exec_session(const std::vector<std::string>& runc_argv, ExecSessionIo io, int socket,
                       std::string early_input, const std::atomic<bool>& stop) {
  auto child = io.tty ? start_with_terminal(runc_argv) : start_with_pipes(runc_argv, io.interactive);
  if (!child) {
    const std::string message = encode_frames(FrameType::stderr_, "berth: cannot run runc exec: " + child.error().message + "\n") +
                                encode_frames(FrameType::exit, "255");
    (void)::send(socket, message.data(), message.size(), MSG_NOSIGNAL);
    return 255;
  }
  for (const UniqueFd* fd : {&child->input, &child->output, &child->errors}) {
    if (fd->valid()) set_nonblocking(fd->get());
  }
  return Relay(socket, *child, io).run(std::move(early_input), stop);
}

}  // namespace berth::runtime
