#include "runtime/shim/spare_shim.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include "common/numbers.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/unix_socket.hpp"

namespace berth::runtime {
namespace {

// How long a spare's first process may take to exec berth, fork and report its child: far more
// than the few ms it takes, for a gateway busy with a burst of starts.
constexpr int k_report_timeout_ms = 10000;

// The words after "shim", each ended by a NUL (an argument cannot hold one, and an empty word
// such as a missing cgroup stays a word).
std::string encode_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 1; i < words.size(); ++i) {
    out += words[i];
    out += '\0';
  }
  return out;
}

std::vector<std::string> decode_words(std::string_view data) {
  std::vector<std::string> words;
  while (!data.empty()) {
    const auto end = data.find('\0');
    if (end == std::string_view::npos) break;  // not ended: not a word send_fd sent
    words.emplace_back(data.substr(0, end));
    data.remove_prefix(end + 1);
  }
  return words;
}

// Encodes and decodes options shaped like a start's (paths of a typical length), as the hand-over
// will, and drops the result.
void warm_up_decoding() {
  const std::string path(96, 'x');
  ShimOptions sample;
  sample.id = sample.cgroup = std::string(40, 'x');
  sample.bundle = sample.state_dir = sample.runc_root = sample.log_path = path;
  auto parsed = parse_shim_args(decode_words(encode_words(shim_args(sample))));
  (void)parsed;
}

}  // namespace

Result<SpareShim> SpareShim::start(const std::string& self_exe) {
  int pair[2];
  // Seqpacket: one message is the whole hand-over, or nothing.
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return sys_fail("socketpair");
  UniqueFd ours(pair[0]), theirs(pair[1]);
  // Above 3, so that the dup2 to 3 in the child copies it (a dup2 onto itself would keep
  // close-on-exec).
  UniqueFd control(::fcntl(theirs.get(), F_DUPFD_CLOEXEC, 10));
  if (!control.valid()) return sys_fail("dup the spare's socket");
  auto spawned = spawn_process({self_exe, "shim", "--spare"}, {.pass_fd = control.get()});
  if (!spawned) return fail(Code::server, "start a spare shim (" + self_exe + "): " + spawned.error().message);
  const pid_t pid = *spawned;
  control.reset();
  theirs.reset();  // so that a spare gone before its report reads as the socket's end
  // Its first process forks the child that will take a container, says the child's pid and
  // exits; it is reaped here, while nothing waits, not on the start that hands it a container.
  char report[32];
  ssize_t got = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_report_timeout_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd ready{ours.get(), POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(std::max<long long>(left, 0)));
    if (polled < 0 && errno == EINTR) continue;
    if (polled > 0) got = ::recv(ours.get(), report, sizeof report - 1, 0);
    break;
  }
  if (got <= 0) ::kill(pid, SIGKILL);
  const int first_exit = wait_exit_code(pid);
  const auto child = got > 0 ? parse_integer<pid_t>(std::string_view(report, static_cast<std::size_t>(got))) : std::nullopt;
  if (!child || *child <= 0 || first_exit != 0) {
    return fail(Code::server, "a spare shim (" + self_exe + ") did not start: its first process exited " + std::to_string(first_exit));
  }
  return SpareShim(*child, std::move(ours));
}

SpareShim::SpareShim(SpareShim&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_socket(std::move(other.m_socket)) {}

SpareShim& SpareShim::operator=(SpareShim&& other) noexcept {
  if (this != &other) {
    release();
    m_pid = std::exchange(other.m_pid, -1);
    m_socket = std::move(other.m_socket);
  }
  return *this;
}

SpareShim::~SpareShim() { release(); }

void SpareShim::release() {
  m_socket.reset();  // the spare reads the end of its socket and exits (its reaper is init's)
  m_pid = -1;
}

Result<void> SpareShim::hand(const ShimOptions& options, int sync_fd) && {
  auto sent = send_fd(m_socket.get(), sync_fd, encode_words(shim_args(options)));
  release();
  return sent;
}

int run_spare_shim(int control_fd) {
  UniqueFd control(control_fd);
  // The fork that parts a shim from berth is made now, while nothing waits, not after the
  // hand-over: the child takes the container; this first process says the child's pid (see
  // SpareShim::start) and exits, as run_shim's does once it has forked.
  const pid_t child = ::fork();
  if (child < 0) return 1;  // berth reads the socket's end: no spare
  if (child > 0) {
    const std::string pid = std::to_string(child);
    return ::send(control.get(), pid.data(), pid.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(pid.size()) ? 0 : 1;
  }
  // While nothing waits: what does not depend on the container, and one pass over the hand-over's
  // decoding, so that its code and memory are at hand when a start waits on it (cold, decoding
  // and parsing a start's words took 0.25 ms of CPU on a 2-core VM, 2026-12-05; warm, a fifth).
  const DetachedShim detached = detach_shim();
  warm_up_decoding();
  std::string data;
  auto sync = receive_fd(control.get(), &data);
  if (!sync) return 0;  // berth went, or sent nothing usable: no container is waiting on us
  control.reset();
  auto options = parse_shim_args(decode_words(data));
  if (!options) {
    const std::string line = "error " + options.error().message + "\n";
    ssize_t ignored = ::write(sync->get(), line.data(), line.size());
    (void)ignored;
    return 1;
  }
  options->sync_fd = sync->release();
  return run_detached_shim(*options, detached);
}

}  // namespace berth::runtime
