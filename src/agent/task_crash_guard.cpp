#include "agent/task_crash_guard.hpp"

#include <algorithm>
#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/numbers.hpp"

namespace berth::agent {
namespace {

constexpr std::string_view k_starting = "starting";
constexpr std::string_view k_stopping = "stopping";

// Marker content: "<phase> <crashes counted before this run>\n".
std::string marker_text(TaskPhase phase, int crashes) {
  return std::string(phase == TaskPhase::stopping ? k_stopping : k_starting) + " " + std::to_string(crashes) + "\n";
}

// Task ids are hex; anything else in the directory is not ours.
bool is_task_id(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

TaskCrashGuard::TaskCrashGuard(std::string dir) : m_dir(std::move(dir)) {}

std::string TaskCrashGuard::marker_path(const std::string& task_id) const { return m_dir + "/" + task_id; }

std::vector<std::string> TaskCrashGuard::load() {
  std::vector<std::string> at_limit;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_dir, ec)) {
    const std::string id = entry.path().filename().string();
    if (!is_task_id(id)) continue;
    const auto text = read_file(entry.path().string());
    if (!text) continue;
    // A marker cut short by the crash itself still counts one crash.
    std::string_view content(*text);
    Counted counted;
    if (content.starts_with(k_stopping)) counted.phase = TaskPhase::stopping;
    const auto space = content.find(' ');
    const auto newline = content.find('\n');
    if (space != std::string_view::npos && newline != std::string_view::npos && newline > space) {
      counted.crashes = parse_integer<int>(content.substr(space + 1, newline - space - 1)).value_or(0);
    }
    counted.crashes = std::clamp(counted.crashes, 0, k_crash_limit) + 1;
    m_counted[id] = counted;
    m_left_over.insert(id);
    log_warn("task " + id + ": berth stopped unexpectedly while " +
             std::string(counted.phase == TaskPhase::stopping ? k_stopping : k_starting) + " it (crash " +
             std::to_string(counted.crashes) + " of " + std::to_string(k_crash_limit) + ")");
    if (counted.crashes >= k_crash_limit) at_limit.push_back(id);
  }
  return at_limit;
}

int TaskCrashGuard::crashes(const std::string& task_id) const {
  const auto it = m_counted.find(task_id);
  return it == m_counted.end() ? 0 : it->second.crashes;
}

CrashVerdict TaskCrashGuard::verdict(const std::string& task_id) const {
  const auto it = m_counted.find(task_id);
  if (it == m_counted.end() || it->second.crashes < k_crash_limit) return CrashVerdict::carry_on;
  return it->second.phase == TaskPhase::stopping ? CrashVerdict::abandon : CrashVerdict::stop;
}

void TaskCrashGuard::begin(const std::string& task_id, TaskPhase phase) {
  const auto marked = m_marked.find(task_id);
  if (marked != m_marked.end() && marked->second == phase) return;
  // A marker that could not be written is not retried on every pass of the agent (several a
  // second): the failure is logged once per task and phase, and the task goes unguarded.
  const auto unwritable = m_unwritable.find(task_id);
  if (unwritable != m_unwritable.end() && unwritable->second == phase) return;
  auto written = make_dirs(m_dir, 0700);
  // No fsync: the marker guards against crashes of berth, not of the machine.
  if (written) written = write_file(marker_path(task_id), marker_text(phase, crashes(task_id)), 0600);
  if (!written) {
    log_warn("crash guard: task " + task_id + ": cannot write its marker, so a crash while working on it goes uncounted: " +
             written.error().message);
    m_unwritable[task_id] = phase;
    return;
  }
  m_unwritable.erase(task_id);
  m_marked[task_id] = phase;
}

void TaskCrashGuard::end(const std::string& task_id) {
  m_unwritable.erase(task_id);
  const bool marked = m_marked.erase(task_id) > 0;
  const bool left_over = m_left_over.erase(task_id) > 0;
  if (!marked && !left_over) return;
  std::error_code ec;
  std::filesystem::remove(marker_path(task_id), ec);
}

void TaskCrashGuard::retain_only(const std::set<std::string>& active) {
  std::vector<std::string> gone;
  for (const auto& [id, phase] : m_marked) {
    if (!active.contains(id)) gone.push_back(id);
  }
  for (const auto& id : m_left_over) {
    if (!active.contains(id) && !m_marked.contains(id)) gone.push_back(id);
  }
  for (const auto& [id, phase] : m_unwritable) {
    if (!active.contains(id) && !m_marked.contains(id) && !m_left_over.contains(id)) gone.push_back(id);
  }
  for (const auto& id : gone) end(id);
}

}  // namespace berth::agent
