// Builders of cluster snapshots for the scheduler's unit tests.
#pragma once

#include <string>

#include "model/cluster_snapshot.hpp"

namespace berth::testing {

inline model::InstanceState make_instance(const std::string& id, long long cpu = 1024, long long memory = 1024) {
  model::InstanceState i;
  i.id = id;
  i.capacity.cpu = cpu;
  i.capacity.memory = memory;
  return i;
}

// A host-network definition reserving `memory` MiB.
inline model::DefinitionState make_definition(const std::string& family = "web", long long revision = 1,
                                              long long memory = 64) {
  model::DefinitionState d;
  d.family = family;
  d.revision = revision;
  d.bridge = false;
  d.memory = memory;
  return d;
}

inline model::ServiceState make_service(const std::string& name, int desired, const std::string& deployment = "ecs-svc/1",
                                        const std::string& family = "web", long long revision = 1) {
  model::ServiceState s;
  s.name = name;
  s.desired_count = desired;
  model::Deployment d;
  d.id = deployment;
  d.family = family;
  d.revision = revision;
  d.desired_count = desired;
  s.deployments.push_back(d);
  return s;
}

inline model::TaskState make_task(const std::string& id, const std::string& instance, const model::ServiceState& service,
                                  const std::string& deployment, model::TaskStatus last_status = model::TaskStatus::running) {
  model::TaskState t;
  t.id = id;
  t.instance_id = instance;
  t.family = "web";
  t.revision = 1;
  t.group = "service:" + service.name;
  t.started_by = deployment;
  t.last_status = last_status;
  t.memory = 64;
  return t;
}

// Adds `task` to the snapshot (and to what its instance holds, unless it is STOPPED).
inline void add_task(model::ClusterSnapshot& snapshot, const model::TaskState& task) {
  snapshot.tasks.push_back(task);
  if (task.last_status == model::TaskStatus::stopped) return;
  if (auto* instance = snapshot.instance(task.instance_id)) instance->use.add(task);
}

}  // namespace berth::testing
