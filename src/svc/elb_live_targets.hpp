// The targets ELB sends traffic to, as they are now: those registered by hand, and each running
// task of a service whose loadBalancers name a target group (its host port for the container and
// port given), with where the kernel can reach each (a bridge task's own address and container
// port; a host port otherwise). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/elb.hpp"
#include "svc/context.hpp"
#include "svc/elb.hpp"

namespace berth::svc {

struct LiveTarget {
  model::Target target;
  std::optional<model::Endpoint> endpoint;  // nothing: not reachable from this gateway
  std::string task_id;                      // "" = registered by hand
  std::string cluster, service;             // of the task
  EpochMs task_started_at = 0;
  int grace_seconds = 0;                    // the service's healthCheckGracePeriodSeconds
  bool draining = false;                    // deregistered, waiting for its task to stop
};

// One service's load balancer entry as ECS takes it.
struct ServiceLoadBalancer {
  std::string target_group_arn, container_name;
  int container_port = 0;
};
std::vector<ServiceLoadBalancer> service_load_balancers(const model::Json& load_balancers);

// Every target of every group of `catalog`, by group.
[[nodiscard]] Result<std::vector<LiveTarget>> live_targets(Context& ctx, const ElbCatalog& catalog);

}  // namespace berth::svc
