// Reconcile for REPLICA services: the service's desired state and its tasks in, what to start
// and stop out, within the deployment's minimumHealthyPercent/maximumPercent. Tasks under
// scale-in protection are neither scaled in nor replaced: the service stays above its desired
// count, or the deployment unfinished, until their protection ends. Pure: no clock, no store, no
// randomness; placement of the tasks to start is the caller's.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::sched {

struct DeploymentView {
  std::string id;                  // "ecs-svc/<digits>"
};

struct TaskView {
  std::string id;
  std::string deployment_id;       // from startedBy
  bool healthy = false;            // RUNNING and not failing its health checks
  int scale_in_rank = 0;           // scale-in order by placement strategy: lower stops first
  bool protected_from_scale_in = false;  // under scale-in protection (UpdateTaskProtection)
  // On a DRAINING container instance, so to be replaced (task sets only: reconcile() is given
  // such tasks as an older deployment instead).
  bool on_draining_instance = false;
};

struct ServiceView {
  bool draining = false;           // DeleteService: stop everything
  int desired_count = 0;
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
  std::vector<DeploymentView> deployments;  // the PRIMARY first, then older ACTIVE ones
};

// What to do about one service's tasks (placement of the starts is the caller's).
struct Reconciliation {
  std::map<std::string, int> start;                       // deployment id → tasks to start
  std::vector<std::pair<std::string, std::string>> stop;  // task id → why
  std::vector<std::string> finished_deployments;          // old deployments with no task left
  int held_by_protection = 0;  // tasks to scale in or replace that stay because they are protected
};

// Orders `tasks` for stopping: unhealthy and not-yet-running ones first (stopping them costs no
// healthy capacity), then by scale_in_rank.
void order_for_stopping(std::vector<const TaskView*>& tasks);

// The tasks passed are those whose desired status is RUNNING (stopping ones are already going).
Reconciliation reconcile(const ServiceView& service, const std::vector<TaskView>& tasks);

}  // namespace berth::sched
