// Tells berth at once that a container exited: an inotify watch on each shim's state directory
// under the state root sees the shim rename its exit record (k_exit_file) into place, and calls
// `on_exit`, which wakes the agent: it learns of the exit within a millisecond or so instead of at
// its next tick, so a stopped task is recorded, and a service's dead task replaced, without
// waiting. A directory made after start() is watched as it appears (and an exit record already in
// it counts), so containers the runtime starts later are covered, as are those found running at
// start (re-attached). Without inotify, or past the kernel's watch limit, the agent's tick still
// finds every exit. One thread of its own; start() and stop() are called from one thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <thread>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

class ExitWatcher {
 public:
  // `state_root`: where the shims keep their state directories (RuncPaths::state_root).
  // `on_exit`: runs on the watcher's thread for each exit seen; it must only wake someone.
  ExitWatcher(std::string state_root, std::function<void()> on_exit);
  ~ExitWatcher();
  ExitWatcher(const ExitWatcher&) = delete;
  ExitWatcher& operator=(const ExitWatcher&) = delete;

  // Makes the state root if missing, watches it and each directory in it, and starts the thread.
  // An error (no inotify) leaves nothing running: exits are then found by the agent's tick.
  [[nodiscard]] Result<void> start();
  // Ends and joins the thread; `on_exit` is not called after it returns. Idempotent.
  void stop();

 private:
  void run();
  // Watches the state directory `name`; calls on_exit if it already holds an exit record.
  void watch_container(const std::string& name, bool check_existing);
  // Reads and handles the queued events; false when the inotify descriptor failed.
  bool drain();

  const std::string m_root;
  const std::function<void()> m_on_exit;
  UniqueFd m_inotify;
  UniqueFd m_stop;  // an eventfd: written by stop() to end the thread's poll
  int m_root_watch = -1;
  // The watcher thread's: each container directory's name by its watch, for the start trace
  // (as many as there are containers; a removed directory's entry goes with its IN_IGNORED).
  std::map<int, std::string> m_names;
  bool m_warned_limit = false;  // the watcher thread's: the watch limit is logged once
  std::thread m_thread;
};

}  // namespace berth::runtime
