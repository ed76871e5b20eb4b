#include "cli/rollout_progress.hpp"

#include <algorithm>

#include "cli/json_fields.hpp"
#include "cli/task_table.hpp"

namespace berth::cli {
namespace {

constexpr int k_bar_width = 20;

// "web:3 [####------] 1/2 running, 1 pending, 3 failed"
std::string deployment_line(const model::Json& d) {
  const auto desired = integer_member(d, "desiredCount");
  const auto running = integer_member(d, "runningCount");
  std::string line = family_revision(text_member(d, "taskDefinition")) + " " + progress_bar(running, desired, k_bar_width) +
                     " " + std::to_string(running) + "/" + std::to_string(desired) + " running";
  if (const auto pending = integer_member(d, "pendingCount"); pending > 0) line += ", " + std::to_string(pending) + " pending";
  if (const auto failed = integer_member(d, "failedTasks"); failed > 0) line += ", " + std::to_string(failed) + " failed";
  return line;
}

}  // namespace

std::string progress_bar(long long done, long long total, int width) {
  const long long filled = total <= 0 ? width : std::clamp(done * width / total, 0LL, static_cast<long long>(width));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '-') + "]";
}

RolloutView assess_rollout(const model::Json& service, const std::string& target) {
  RolloutView view;
  const auto& deployments = array_member(service, "deployments");
  const model::Json* followed = nullptr;
  for (const auto& d : deployments) {
    const bool wanted = target.empty() ? text_member(d, "status") == "PRIMARY" : text_member(d, "taskDefinition") == target;
    if (wanted && followed == nullptr) followed = &d;
  }
  // The line: the followed (or primary) deployment, then what older ones still run.
  view.line = followed != nullptr ? deployment_line(*followed) : "no deployment of " + family_revision(target);
  for (const auto& d : deployments) {
    if (&d == followed) continue;
    view.line += " · " + family_revision(text_member(d, "taskDefinition")) + " " + text_member(d, "status") + " " +
                 std::to_string(integer_member(d, "runningCount")) + " running";
  }
  const bool moved_away = !target.empty() && text_member(service, "taskDefinition") != target;
  if (text_member(service, "status") == "INACTIVE" || text_member(service, "status") == "DRAINING") {
    view.phase = RolloutPhase::failed;
    view.reason = "the service is being deleted";
    return view;
  }
  if (followed == nullptr) {
    if (moved_away) {
      view.phase = RolloutPhase::rolled_back;
      view.reason = "the service went back to " + family_revision(text_member(service, "taskDefinition"));
    }
    return view;
  }
  const std::string rollout = text_member(*followed, "rolloutState");
  if (rollout == "FAILED") {
    view.phase = moved_away ? RolloutPhase::rolled_back : RolloutPhase::failed;
    view.reason = text_member(*followed, "rolloutStateReason", "the deployment failed");
    return view;
  }
  const bool alone = deployments.size() == 1;
  const bool all_running = integer_member(*followed, "runningCount") == integer_member(*followed, "desiredCount");
  if (target.empty()) {
    if (alone && integer_member(service, "runningCount") == integer_member(service, "desiredCount")) {
      view.phase = RolloutPhase::completed;
    }
  } else if (alone && all_running && rollout == "COMPLETED") {
    view.phase = RolloutPhase::completed;
  }
  return view;
}

}  // namespace berth::cli
