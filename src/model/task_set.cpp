#include "model/task_set.hpp"

#include <cmath>

namespace berth::model {

int computed_desired_count(const TaskSet& set, int service_desired_count) {
  if (set.status == TaskSetStatus::draining) return 0;
  // A tolerance below one task keeps 10 % of 30 at 3 although 30 * 0.1 is 3.0000000000000004.
  const double tasks = static_cast<double>(service_desired_count) * set.scale_percent / 100.0;
  return static_cast<int>(std::ceil(tasks - 1e-9));
}

StabilityStatus stability_of(const TaskSet& set, int service_desired_count) {
  const bool steady = set.running_count == computed_desired_count(set, service_desired_count) && set.pending_count == 0;
  return steady ? StabilityStatus::steady_state : StabilityStatus::stabilizing;
}

}  // namespace berth::model
