#include "sched/service_rules.hpp"

#include <algorithm>

namespace berth::sched {
namespace {

// A task that stops within this time of starting failed to start; later it crashed.
constexpr EpochMs k_short_lived_ms = 10'000;
constexpr int k_failures_before_throttle = 3;
constexpr long long k_first_delay_ms = 5'000;
constexpr long long k_max_delay_ms = 900'000;

}  // namespace

bool is_healthy(const model::TaskState& t, bool primary, bool health_checks, EpochMs now, EpochMs settle_ms) {
  if (t.last_status != model::TaskStatus::running) return false;
  if (!primary) return t.health_status != "UNHEALTHY";
  if (health_checks) return t.health_status == "HEALTHY";
  return t.started_at && now - *t.started_at >= settle_ms;
}

int failed_starts(const model::ClusterSnapshot& snapshot, const model::ServiceState& service,
                  const std::string& deployment_id, EpochMs since) {
  const std::string group = "service:" + service.name;
  return static_cast<int>(std::count_if(snapshot.tasks.begin(), snapshot.tasks.end(), [&](const model::TaskState& t) {
    if (t.group != group || t.started_by != deployment_id || t.desired_status != model::TaskStatus::stopped) return false;
    const bool own_failure = t.stop_code == "TaskFailedToStart" || t.stop_code == "EssentialContainerExited";
    const bool short_lived = !t.started_at || !t.stopping_at || *t.stopping_at - *t.started_at < k_short_lived_ms;
    return own_failure && short_lived && t.created_at >= since;
  }));
}

ThrottleDecision start_throttle(int failures, EpochMs now, EpochMs next_launch_at) {
  if (failures < k_failures_before_throttle) return {true, false, next_launch_at};
  if (now < next_launch_at) return {false, false, next_launch_at};
  const long long delay_ms =
      std::min<long long>(k_max_delay_ms, k_first_delay_ms << std::min(failures - k_failures_before_throttle, 10));
  return {true, true, now + delay_ms};
}

std::optional<EpochMs> next_timed_decision(const model::ClusterSnapshot& snapshot, const model::ServiceState& service,
                                           EpochMs now, EpochMs settle_ms) {
  std::optional<EpochMs> next;
  const auto consider = [&](EpochMs at) {
    if (at > now && (!next || at < *next)) next = at;
  };
  consider(service.next_launch_at);
  const std::string group = "service:" + service.name;
  for (const auto& t : snapshot.tasks) {
    if (t.group != group) continue;
    if (t.last_status == model::TaskStatus::running && t.started_at) consider(*t.started_at + settle_ms);
    if (t.protected_until) consider(*t.protected_until);
  }
  return next;
}

int failure_threshold(int desired_count) { return std::clamp((std::max(1, desired_count) + 1) / 2, 10, 200); }

std::string new_deployment_id(std::mt19937_64& rng) {
  std::string digits;
  for (int i = 0; i < 19; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
  return "ecs-svc/" + digits;
}

}  // namespace berth::sched
