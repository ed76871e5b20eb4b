// Reconcile for services with the EXTERNAL deployment controller: each task set keeps its
// computed desired count of tasks, independently of the others (the outside tool decides how
// they shift, through their scales). Tasks of no task set stop; a DRAINING (deleted) task set
// stops all its tasks and is gone once none is left. Tasks under scale-in protection stay while
// their task set scales in, not when their set or service is deleted. Tasks on a DRAINING
// container instance are replaced first and stopped once enough healthy tasks remain: the
// service's minimumHealthyPercent and maximumPercent bound that, their only use for EXTERNAL
// services in ECS. Pure: no clock, no store, no randomness.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sched/reconcile.hpp"

namespace berth::sched {

struct TaskSetTarget {
  std::string id;
  int desired_count = 0;  // model::computed_desired_count
  bool draining = false;
};

// What reconcile_task_sets needs of the service itself.
struct TaskSetService {
  bool draining = false;  // DeleteService: every task stops, protection no longer holds
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
};

struct TaskSetReconciliation {
  std::map<std::string, int> start;                       // task set id → tasks to start
  std::vector<std::pair<std::string, std::string>> stop;  // task id → why
  std::vector<std::string> drained;                       // DRAINING task sets with no task left
  int held_by_protection = 0;
  // Every task set holds its count, every task is healthy and nothing drains.
  bool steady = false;
};

// `tasks`: the service's tasks whose desired status is RUNNING, deployment_id = their task set.
TaskSetReconciliation reconcile_task_sets(const std::vector<TaskSetTarget>& sets, const std::vector<TaskView>& tasks,
                                          const TaskSetService& service);

}  // namespace berth::sched
