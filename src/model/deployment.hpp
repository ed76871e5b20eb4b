// Deployment and ServiceEvent: a service's rollouts and its event log, as plain values (no JSON),
// shared by the stored Service and the scheduler's snapshot. Pure; thread-safe.
#pragma once

#include <string>

#include "common/clock.hpp"

namespace berth::model {

struct Deployment {
  std::string id;                  // "ecs-svc/<19 digits>"
  std::string status = "PRIMARY";  // PRIMARY, ACTIVE (older, draining), INACTIVE
  std::string family;
  long long revision = 0;
  int desired_count = 0;
  int pending_count = 0;
  int running_count = 0;
  int failed_tasks = 0;
  std::string rollout_state = "IN_PROGRESS";  // IN_PROGRESS, COMPLETED, FAILED
  std::string rollout_state_reason = "ECS deployment in progress.";
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  std::string rollback_of{};  // a rollback: the id of the deployment it rolls back ("" = none)

  bool operator==(const Deployment&) const = default;
};

struct ServiceEvent {
  std::string id;
  EpochMs created_at = 0;
  std::string message;

  bool operator==(const ServiceEvent&) const = default;
};

}  // namespace berth::model
