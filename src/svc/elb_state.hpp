// What Elastic Load Balancing keeps in memory only: each target's health (the data-path worker
// writes it, DescribeTargetHealth reads it), the service tasks being deregistered before they
// stop (the service scheduler's drain gate writes it), the lock that makes ELB's
// read-check-write calls one at a time, and who to wake when the targets change. Nothing here
// touches the disk. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/thread_annotations.hpp"
#include "model/target_health.hpp"

namespace berth::svc {

// A target's key: "<target group ARN> <id>:<port>", as the store keys hand-registered targets.
std::string target_key(const std::string& target_group_arn, const std::string& id, int port);

class ElbState {
 public:
  // Held across an ELB call's reads and writes, so that two calls cannot both pass a check
  // (a name or port free) and then both write.
  Mutex& write_lock() { return m_writes; }

  // The health the data-path worker last recorded for `key`, if it has seen the target.
  std::optional<model::TargetHealth> health(const std::string& key) const;
  // Replaces the whole board (the worker's pass computes it whole).
  void set_health(std::map<std::string, model::TargetHealth> board);
  std::map<std::string, model::TargetHealth> health_board() const;

  // Service tasks deregistered and waiting out their deregistration delay: task id → when it
  // may stop.
  std::optional<EpochMs> draining_until(const std::string& task_id) const;
  void start_draining(const std::string& task_id, EpochMs until);
  void forget_draining(const std::string& task_id);
  bool draining(const std::string& task_id) const { return draining_until(task_id).has_value(); }

  // Who rebuilds the data path when targets or listeners change (the worker's wake).
  void set_on_change(std::function<void()> on_change);
  void changed() const;

 private:
  Mutex m_writes;
  mutable Mutex m_mutex;
  std::map<std::string, model::TargetHealth> m_health BERTH_GUARDED_BY(m_mutex);
  std::map<std::string, EpochMs> m_draining BERTH_GUARDED_BY(m_mutex);
  std::function<void()> m_on_change BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::svc
