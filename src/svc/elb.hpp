// Elastic Load Balancing v2 use cases (the API subset berth serves): load balancers of type
// network and application on the gateway's own addresses, target groups of target type
// instance, listeners with a default forward action, rules of application listeners
// (path-pattern, host-header, forward), hand-registered targets and their health. Errors are
// ELBv2's faults (LoadBalancerNotFound, DuplicateListener, ...). Thread-safe: writes hold the
// ElbState's write lock across their checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/elb.hpp"
#include "model/target_health.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Everything ELB stores, read whole (a gateway holds a handful of each).
struct ElbCatalog {
  std::vector<model::LoadBalancer> load_balancers;
  std::vector<model::TargetGroup> target_groups;
  std::vector<model::Listener> listeners;
  std::vector<model::ListenerRule> rules;  // by priority
  std::vector<model::Target> targets;      // registered by hand

  const model::LoadBalancer* load_balancer(const std::string& arn) const;
  const model::TargetGroup* target_group(const std::string& arn) const;
  const model::Listener* listener(const std::string& arn) const;
};
[[nodiscard]] Result<ElbCatalog> load_elb_catalog(Context& ctx);

struct CreateLoadBalancerRequest {
  std::string name;
  model::LbType type = model::LbType::application;
  std::string scheme = "internet-facing";
};
[[nodiscard]] Result<model::LoadBalancer> create_load_balancer(Context& ctx, const CreateLoadBalancerRequest& request);
// Those named by ARN or name (none: all); LoadBalancerNotFound if one does not exist.
[[nodiscard]] Result<std::vector<model::LoadBalancer>> describe_load_balancers(Context& ctx,
                                                                             const std::vector<std::string>& arns,
                                                                             const std::vector<std::string>& names);
// Deletes it with its listeners and their rules; a load balancer that does not exist is no error.
[[nodiscard]] Result<void> delete_load_balancer(Context& ctx, const std::string& arn);

// `wanted` without arn and created_at.
[[nodiscard]] Result<model::TargetGroup> create_target_group(Context& ctx, model::TargetGroup wanted);
struct TargetGroupView {
  model::TargetGroup group;
  std::vector<std::string> load_balancer_arns;  // of the listeners and rules forwarding to it
};
[[nodiscard]] Result<std::vector<TargetGroupView>> describe_target_groups(Context& ctx, const std::vector<std::string>& arns,
                                                                        const std::vector<std::string>& names,
                                                                        const std::string& load_balancer_arn);
// ResourceInUse while a listener or rule forwards to it.
[[nodiscard]] Result<void> delete_target_group(Context& ctx, const std::string& arn);
// deregistration_delay.timeout_seconds (0..3600) is the one attribute berth acts on; the others
// are refused as ValidationError.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> modify_target_group_attributes(
    Context& ctx, const std::string& arn, const std::vector<std::pair<std::string, std::string>>& attributes);
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> describe_target_group_attributes(
    Context& ctx, const std::string& arn);

struct CreateListenerRequest {
  std::string load_balancer_arn, protocol;
  int port = 0;
  std::string default_target_group_arn;
};
// DuplicateListener if any load balancer of the gateway listens on the port; InvalidConfigurationRequest
// if a task holds it as a host port, or the protocol does not fit the load balancer's type.
[[nodiscard]] Result<model::Listener> create_listener(Context& ctx, const CreateListenerRequest& request);
[[nodiscard]] Result<std::vector<model::Listener>> describe_listeners(Context& ctx, const std::string& load_balancer_arn,
                                                                    const std::vector<std::string>& arns);
[[nodiscard]] Result<void> delete_listener(Context& ctx, const std::string& arn);

// `wanted` without arn.
[[nodiscard]] Result<model::ListenerRule> create_rule(Context& ctx, model::ListenerRule wanted);
// The listener's rules by priority, then its default rule (priority 0 here).
[[nodiscard]] Result<std::vector<model::ListenerRule>> describe_rules(Context& ctx, const std::string& listener_arn,
                                                                     const std::vector<std::string>& arns);
[[nodiscard]] Result<void> delete_rule(Context& ctx, const std::string& arn);

[[nodiscard]] Result<void> register_targets(Context& ctx, const std::string& target_group_arn,
                                            const std::vector<model::Target>& targets);
[[nodiscard]] Result<void> deregister_targets(Context& ctx, const std::string& target_group_arn,
                                              const std::vector<model::Target>& targets);

struct TargetHealthView {
  model::Target target;
  model::TargetState state = model::TargetState::initial;
  model::HealthReason reason;
  std::string health_check_port;
};
// The group's targets (registered by hand and by services), or just `targets`, with their health.
[[nodiscard]] Result<std::vector<TargetHealthView>> describe_target_health(Context& ctx, const std::string& target_group_arn,
                                                                         const std::vector<model::Target>& targets);

}  // namespace berth::svc
