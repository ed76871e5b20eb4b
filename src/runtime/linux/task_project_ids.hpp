// TaskProjectIds: which project quota id each task with an ephemeral storage limit holds, one
// small file per task under a directory of berth's data dir, so that a restarted berth finds the
// ids it gave out (to extend them to new containers and to release them) and never gives one id
// to two tasks. Thread-safe (one mutex; one berth per data dir).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"

namespace berth::runtime {

class TaskProjectIds {
 public:
  // Ids are given out from k_first on: far above the small numbers administrators give their own
  // projects by hand (/etc/projects), so berth's limits do not land on theirs.
  static constexpr std::uint32_t k_first = 0x62000000;
  static constexpr std::uint32_t k_count = 1 << 16;

  // `root`: the directory of the records (made on first use).
  explicit TaskProjectIds(std::string root) : m_root(std::move(root)) {}

  // The id `task_id` holds, else the lowest one that is neither recorded here nor `in_use` on
  // the filesystem (another berth whose data dir shares it hands out the same range), recorded
  // for it. Errors: ServerException when the records cannot be read or written, or every id is
  // taken.
  [[nodiscard]] Result<std::uint32_t> acquire(const std::string& task_id,
                                              const std::function<bool(std::uint32_t)>& in_use = {});
  // The id `task_id` holds, if any (an unreadable record reads as none).
  std::optional<std::uint32_t> find(const std::string& task_id);
  // The tasks that hold an id, in no set order.
  std::vector<std::string> tasks();
  // Forgets `task_id`'s id (fine if it has none).
  [[nodiscard]] Result<void> release(const std::string& task_id);

 private:
  std::optional<std::uint32_t> read_record(const std::string& task_id) BERTH_REQUIRES(m_mutex);

  const std::string m_root;
  Mutex m_mutex;
};

}  // namespace berth::runtime
