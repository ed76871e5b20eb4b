// Keeps a task that takes berth down (a crash no handler caught) from doing so forever: while the
// agent starts or stops a task, a marker file names it; a marker found at the next start counts
// one crash against its task, and at the second crash the agent gives up on the task instead of
// retrying it. Every task in work when berth dies has the crash counted (which one caused it is
// unknowable), and a crash before the new process resumes work on a task does not count again.
// Markers are written only when a task's work begins or changes phase and removed when it ends,
// never on a quiet pass. Agent thread only; not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace berth::agent {

enum class TaskPhase { starting, stopping };

enum class CrashVerdict {
  carry_on,  // below the limit
  stop,      // crashed berth twice while starting: stop it (its containers are stopped as usual)
  abandon,   // crashed berth twice, the last time while stopping: record it stopped, touch nothing
};

class TaskCrashGuard {
 public:
  static constexpr int k_crash_limit = 2;

  // Markers live in `dir` (created on first use): a directory that survives a restart of berth.
  explicit TaskCrashGuard(std::string dir);

  // Counts a crash for each marker a previous process left behind (removing none: work on those
  // tasks resumes under them). Call once, before any begin(). Returns the tasks now at the limit.
  std::vector<std::string> load();

  // What to do with `task_id` given the crashes counted against it.
  CrashVerdict verdict(const std::string& task_id) const;
  // The crashes counted against `task_id` since this process started (0 if none).
  int crashes(const std::string& task_id) const;

  // Work on `task_id` in `phase` begins or goes on: writes its marker unless this process already
  // wrote one for that phase, or already failed to (that failure is logged once, not per call).
  void begin(const std::string& task_id, TaskPhase phase);
  // Work on `task_id` ended: removes its marker if there is one.
  void end(const std::string& task_id);
  // Ends the work of every marked task not in `active` (they stopped elsewhere or vanished).
  void retain_only(const std::set<std::string>& active);

 private:
  struct Counted {
    int crashes = 0;
    TaskPhase phase = TaskPhase::starting;
  };
  std::string marker_path(const std::string& task_id) const;

  std::string m_dir;
  std::map<std::string, Counted> m_counted;   // tasks with crashes counted at load
  std::map<std::string, TaskPhase> m_marked;  // tasks whose marker this process wrote
  // Tasks whose marker for that phase could not be written; bounded like m_marked by the tasks in
  // work, as end() and retain_only() drop them.
  std::map<std::string, TaskPhase> m_unwritable;
  std::set<std::string> m_left_over;          // markers of the previous process still on disk
};

}  // namespace berth::agent
