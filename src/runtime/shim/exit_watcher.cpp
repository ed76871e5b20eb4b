#include "runtime/shim/exit_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/start_trace.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::runtime {

ExitWatcher::ExitWatcher(std::string state_root, std::function<void()> on_exit)
    : m_root(std::move(state_root)), m_on_exit(std::move(on_exit)) {}

ExitWatcher::~ExitWatcher() { stop(); }

Result<void> ExitWatcher::start() {
  BERTH_TRY(make_dirs(m_root, 0700));
  m_inotify = UniqueFd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!m_inotify.valid()) return sys_fail("inotify_init1");
  m_stop = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!m_stop.valid()) return sys_fail("eventfd");
  // The root first: a container directory made while the others are listed is seen either way.
  m_root_watch = ::inotify_add_watch(m_inotify.get(), m_root.c_str(), IN_CREATE | IN_ONLYDIR);
  if (m_root_watch < 0) return sys_fail("inotify_add_watch " + m_root);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_root, ec)) {
    // Exits recorded before berth started are the agent's first pass's to find.
    if (entry.is_directory()) watch_container(entry.path().filename().string(), false);
  }
  m_thread = std::thread([this] { run(); });
  return {};
}

void ExitWatcher::stop() {
  if (!m_thread.joinable()) return;
  const std::uint64_t one = 1;
  ssize_t ignored = ::write(m_stop.get(), &one, sizeof one);
  (void)ignored;
  m_thread.join();
}

void ExitWatcher::watch_container(const std::string& name, bool check_existing) {
  const std::string dir = m_root + "/" + name;
  const int watch = ::inotify_add_watch(m_inotify.get(), dir.c_str(), IN_MOVED_TO | IN_ONLYDIR);
  if (watch < 0) {
    if (errno == ENOSPC && !m_warned_limit) {
      m_warned_limit = true;
      log_warn("exit watcher: the kernel's inotify watch limit is reached (fs.inotify.max_user_watches); "
               "exits of further containers are found at the agent's next tick");
    }
    return;  // gone already (removed), or unwatchable: the tick finds its exit
  }
  m_names[watch] = name;
  // A shim quicker than this thread: its record was renamed into place before the watch.
  if (check_existing && ::access((dir + "/" + k_exit_file).c_str(), F_OK) == 0) m_on_exit();
}

bool ExitWatcher::drain() {
  alignas(inotify_event) char buffer[16384];
  bool exited = false;
  while (true) {
    const ssize_t n = ::read(m_inotify.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) return false;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      const std::string name = event->len > 0 ? event->name : "";
      if (event->mask & IN_Q_OVERFLOW) {
        exited = true;  // events were lost: the agent looks at every container
      } else if (event->wd == m_root_watch) {
        if ((event->mask & IN_CREATE) && (event->mask & IN_ISDIR)) watch_container(name, true);
      } else if (event->mask & IN_IGNORED) {
        m_names.erase(event->wd);  // the directory went
      } else if (name == k_exit_file) {
        exited = true;
        if (const auto it = m_names.find(event->wd); it != m_names.end()) trace_start(it->second, "exit_seen");
      }
    }
  }
  if (exited) m_on_exit();  // one wake-up for a burst of exits
  return true;
}

void ExitWatcher::run() {
  while (true) {
    pollfd fds[2] = {{m_inotify.get(), POLLIN, 0}, {m_stop.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log_error(std::string("exit watcher: poll: ") + std::strerror(errno) + "; exits are found at the agent's tick");
      return;
    }
    if (fds[1].revents & POLLIN) return;
    if ((fds[0].revents & POLLIN) && !drain()) {
      log_error("exit watcher: inotify failed; exits are found at the agent's tick");
      return;
    }
  }
}

}  // namespace berth::runtime
