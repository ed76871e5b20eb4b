// ContainerInstance: a node (a gateway running the berth agent) registered in a cluster.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace berth::model {

struct ContainerInstance {
  std::string id;       // 32 lowercase hex digits
  std::string cluster;  // cluster name
  InstanceStatus status = InstanceStatus::active;
  // versionInfo, registeredResources, attributes, ec2InstanceId; "agentConnected": false only
  // while a remote instance is lost (svc/lost_instances.hpp): absent means connected.
  Json body = Json::object();
  EpochMs registered_at = 0;
};

// Returns whether the instance's agent counts as connected: registered (not INACTIVE) and not
// marked lost. The gateway's own instance is never marked lost.
bool agent_connected(const ContainerInstance& instance);
// Marks the instance's agent connected or lost in its body; returns whether that changed it.
bool set_agent_connected(ContainerInstance& instance, bool connected);

// The attribute where a gateway's agent registers the IPv4 address other gateways reach it at
// (BERTH_INSTANCE_ADDRESS, or on a joined gateway the address it reaches the server from):
// service discovery answers with it for that gateway's tasks, whose host ports listen there.
inline constexpr std::string_view k_instance_address_attribute = "berth.instance-address";
// The value of attribute `name` of the instance ("" when it has none, or none with a value).
std::string instance_attribute(const ContainerInstance& instance, std::string_view name);

// Running/pending task counts and remaining resources are computed, not stored.
struct InstanceUsage {
  long long running_tasks = 0;
  long long pending_tasks = 0;
};

Json container_instance_to_json(const ContainerInstance& instance, const InstanceUsage& usage,
                                const ArnScope& arns, const std::vector<Tag>* tags);

}  // namespace berth::model

namespace berth::model {

// Validates custom attributes as ECS limits them: name 1–128 characters of [A-Za-z0-9_-/.],
// value 1–128 characters without surrounding whitespace, at most 10 per instance.
// Returns AttributeLimitExceeded / InvalidParameterException.
[[nodiscard]] Result<Json> normalize_attributes(const Json& attributes);

}  // namespace berth::model
