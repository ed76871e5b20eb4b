// A version of each container instance's rows in the tasks table, kept in memory: every insert,
// update or delete of a task row bumps the version of the task's instance (before and after, for
// an update), whichever statement does it, through temporary triggers on the store's connection
// that call back into this object. A version equal to one read earlier means no task row of that
// instance was written since: what a reader built from those rows then (svc's cache of poll
// cursors, svc/instance_poll_cache.hpp) is still true, and it need not read them again.
// Instances share a fixed number of counters by a hash of their (cluster, id): a collision only
// makes a version move when another instance's tasks change (a cache miss, never a stale hit);
// memory stays 32 KiB whatever the number of instances. Versions only grow; a rolled-back write
// moves them too (again a miss only). Reads are lock-free; thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.hpp"

namespace berth::store {

class Db;

class InstanceTaskVersions {
 public:
  static constexpr std::size_t k_slots = 4096;

  // The version of `instance_id`'s task rows in `cluster`.
  std::uint64_t of(std::string_view cluster, std::string_view instance_id) const {
    if (m_untracked.load(std::memory_order_acquire)) return m_never_repeated.fetch_add(1, std::memory_order_relaxed);
    return m_slots[slot(cluster, instance_id)].load(std::memory_order_acquire);
  }
  // A task row of `instance_id` in `cluster` is being written.
  void bump(std::string_view cluster, std::string_view instance_id) {
    m_slots[slot(cluster, instance_id)].fetch_add(1, std::memory_order_acq_rel);
  }

  // Registers the callback function and the temporary triggers on `db` (a connection of its own
  // has none: they live with it), bumping `versions`, which must outlive `db`. On a connection
  // that cannot call back (the replicated store, where other servers write too) nothing is
  // tracked: of() never returns the same value twice, so no reader trusts what it built earlier.
  [[nodiscard]] static Result<void> install(Db& db, InstanceTaskVersions& versions);

 private:
  static std::size_t slot(std::string_view cluster, std::string_view instance_id);
  std::array<std::atomic<std::uint64_t>, k_slots> m_slots{};
  std::atomic<bool> m_untracked{false};
  mutable std::atomic<std::uint64_t> m_never_repeated{0};
};

}  // namespace berth::store
