// What the serving gateway last learned of each instance's polled tasks, kept in memory and
// tagged with the store's version of that instance's task rows (Store::instance_tasks_version)
// at which it was read: the poll cursor, and whether a complete reply at that version would have
// carried nothing but the tasks (no secrets to serve). While the store's version is the same,
// a poll at rest is parked, woken, parked again and answered "unchanged" from this alone: no
// store read, no decoding of the tasks, no encoding of a reply. An entry whose version differs is
// never used (a write to the instance's tasks moved it), so a cursor is never served stale. At
// most k_max_entries are kept (past that, the cache starts empty again: a miss costs one read).
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/thread_annotations.hpp"

namespace berth::svc {

struct InstancePollState {
  std::uint64_t version = 0;  // the store's version of the instance's task rows when read
  std::string cursor;         // the poll cursor of the tasks then
  // A complete reply at that version listed no secrets (so "unchanged" tells the agent all): only
  // known when one was built at that version.
  bool quiet = false;
};

class InstancePollCache {
 public:
  static constexpr std::size_t k_max_entries = 8192;

  // The state of `instance_id` of `cluster` if one was recorded at `version`.
  std::optional<InstancePollState> at(const std::string& cluster, const std::string& instance_id,
                                      std::uint64_t version) const;
  // Records `state`. A state read at an older version than the one kept is not taken (two
  // readers may finish out of order). A state at the same version keeps `quiet` once known.
  void record(const std::string& cluster, const std::string& instance_id, InstancePollState state);

 private:
  mutable Mutex m_mutex;
  std::unordered_map<std::string, InstancePollState> m_states BERTH_GUARDED_BY(m_mutex);  // "cluster/id"
};

}  // namespace berth::svc
