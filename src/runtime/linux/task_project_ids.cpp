#include "runtime/linux/task_project_ids.hpp"

#include <filesystem>
#include <set>

#include "common/files.hpp"
#include "common/numbers.hpp"

namespace berth::runtime {

namespace fs = std::filesystem;

std::optional<std::uint32_t> TaskProjectIds::read_record(const std::string& task_id) {
  auto text = read_file(m_root + "/" + task_id);
  if (!text) return std::nullopt;
  // Records are written whole (atomically), but a hand-edited one must not name a foreign id.
  return parse_integer_in<std::uint32_t>(trim(*text), k_first, k_first + k_count - 1);
}

Result<std::uint32_t> TaskProjectIds::acquire(const std::string& task_id,
                                              const std::function<bool(std::uint32_t)>& in_use) {
  MutexLock lock(m_mutex);
  if (auto held = read_record(task_id)) return *held;
  BERTH_TRY(make_dirs(m_root, 0700));
  std::set<std::uint32_t> taken;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_root, ec)) {
    if (auto id = read_record(entry.path().filename().string())) taken.insert(*id);
  }
  if (ec) return fail(Code::server, "cannot list " + m_root + ": " + ec.message());
  for (std::uint32_t id = k_first; id < k_first + k_count; ++id) {
    if (taken.contains(id) || (in_use && in_use(id))) continue;
    BERTH_TRY(write_file_atomic(m_root + "/" + task_id, std::to_string(id) + "\n", 0600));
    return id;
  }
  return fail(Code::server, "every project quota id of berth's range is taken");
}

std::optional<std::uint32_t> TaskProjectIds::find(const std::string& task_id) {
  MutexLock lock(m_mutex);
  return read_record(task_id);
}

std::vector<std::string> TaskProjectIds::tasks() {
  MutexLock lock(m_mutex);
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_root, ec)) {
    const std::string task_id = entry.path().filename().string();
    if (read_record(task_id)) out.push_back(task_id);
  }
  return out;
}

Result<void> TaskProjectIds::release(const std::string& task_id) {
  MutexLock lock(m_mutex);
  return remove_all(m_root + "/" + task_id);
}

}  // namespace berth::runtime
