// How a service's rolling deployment is going, read from one DescribeServices reply: the phase
// (`berth deploy` and `berth wait services-stable` stop on anything but in_progress) and the
// progress line they draw. Pure; thread-safe.
#pragma once

#include <string>

#include "model/schema.hpp"

namespace berth::cli {

enum class RolloutPhase { in_progress, completed, failed, rolled_back };

struct RolloutView {
  RolloutPhase phase = RolloutPhase::in_progress;
  std::string line;    // "web:3 [######----] 2/3 running, 1 pending · web:2 draining 1"
  std::string reason;  // why it failed or rolled back (the deployment's rolloutStateReason)
};

// Assesses `service`. With `target` (a task definition ARN) the deployment of that definition is
// followed: completed once it is the only deployment with its tasks running, failed when ECS
// marks it FAILED (rolled_back when the service went back to another definition meanwhile).
// Without, the service counts as stable as the AWS waiter has it: one deployment and as many
// running tasks as desired.
RolloutView assess_rollout(const model::Json& service, const std::string& target);

// "[#####-----]" for `done` of `total` in `width` cells (full for a total of 0).
std::string progress_bar(long long done, long long total, int width);

}  // namespace berth::cli
