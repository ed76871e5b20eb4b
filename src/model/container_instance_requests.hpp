// Typed requests and replies of the container instance actions (Register, Deregister, Describe,
// List, UpdateContainerInstancesState) and of their attributes (Put, Delete, List): decoders
// validated once with ECS's errors, and encoders; and the local agent's registration of its node.
// Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/container_instance.hpp"
#include "model/failure.hpp"
#include "model/instance_identity.hpp"
#include "model/paging.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace berth::model {

// A custom attribute as a request names it (targetId: the instance's id or ARN, as given).
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  std::optional<std::string> target_id;
};

// Returns the stored form [{"name":..,"value"?:..}] (targets left out).
Json attributes_to_json(const std::vector<Attribute>& attributes);

struct RegisterContainerInstanceRequest {
  std::optional<std::string> cluster;       // nothing = the default cluster
  std::optional<std::string> instance_arn;  // re-registration of this instance
  std::vector<Tag> tags;
  std::vector<Attribute> attributes;        // validated as normalize_attributes does
  Json total_resources = Json::array();     // stored as registeredResources, as the agent sent them
  std::optional<Json> version_info;
  // From instanceIdentityDocument: the instance's ec2InstanceId; its ecs.* attributes are in
  // `attributes` already, over any the agent sent under those names (ECS sets them itself).
  std::optional<std::string> ec2_instance_id;
};

// The local agent's registration of its own node (an internal caller's request, never decoded
// from the wire): the node registers under the id it keeps across restarts, created if missing.
struct NodeRegistration {
  std::string cluster;
  std::string instance_id;   // kept across restarts (<data>/instance-id)
  long long cpu_units = 0;   // registered CPU
  long long memory_mib = 0;  // registered memory (less ECS_RESERVED_MEMORY)
  std::vector<int> reserved_ports, reserved_udp_ports;
  // Built-in attributes (ecs.os-type, ...): always reflect the node. An empty value has no value.
  std::map<std::string, std::string> attributes;
  // Custom attributes (ECS_INSTANCE_ATTRIBUTES): at the first registration only, as in ECS;
  // later PutAttributes/DeleteAttributes own them.
  std::map<std::string, std::string> initial_attributes;
  std::vector<std::string> gpu_ids;  // the node's GPUs, registered as the GPU resource
};

// Returns the node's registeredResources as ECS lists them: CPU, MEMORY, PORTS, PORTS_UDP, and
// GPU (a STRINGSET of GPU ids, as the ECS agent registers it) when the node has any.
Json registered_resources_of(const NodeRegistration& node);

struct DeregisterContainerInstanceRequest {
  std::optional<std::string> cluster;
  std::string instance;  // id or ARN
  bool force = false;
};

struct DescribeContainerInstancesRequest {
  std::optional<std::string> cluster;
  std::vector<std::string> instances;  // ids or ARNs, at most 100
  bool with_tags = false;
};

struct ListContainerInstancesRequest {
  std::optional<std::string> cluster;
  std::optional<std::string> filter;  // cluster query language, parsed by the use case
  std::optional<InstanceStatus> status;
  PageRequest page;
};

struct UpdateContainerInstancesStateRequest {
  std::optional<std::string> cluster;
  std::vector<std::string> instances;
  InstanceStatus status = InstanceStatus::active;  // ACTIVE or DRAINING
};

// PutAttributes and DeleteAttributes: 1 to 10 attributes, each with its targetId.
struct ChangeAttributesRequest {
  std::optional<std::string> cluster;
  std::vector<Attribute> attributes;
};

struct ListAttributesRequest {
  std::optional<std::string> cluster;
  std::optional<std::string> name;
  std::optional<std::string> value;
  PageRequest page;
};

// An instance as a reply shows it: stored fields plus its usage and what remains.
struct ContainerInstanceDescription {
  ContainerInstance instance;
  InstanceUsage usage;
  Json remaining_resources = Json::array();
  std::optional<std::vector<Tag>> tags;  // present when TAGS was asked for
};

// {"containerInstance": ...}: Register's and Deregister's reply.
struct ContainerInstanceReply {
  ContainerInstanceDescription instance;
};

// {"containerInstances": [...], "failures": [...]}: Describe's and UpdateContainerInstancesState's.
struct ContainerInstancesReply {
  std::vector<ContainerInstanceDescription> instances;
  std::vector<Failure> failures;
};

// An attribute on its target, as PutAttributes, DeleteAttributes and ListAttributes answer.
struct TargetedAttribute {
  std::string name;
  std::optional<std::string> value;
  std::string target_id;
};

struct AttributesReply {
  std::vector<TargetedAttribute> attributes;
  std::optional<std::string> next_token;  // ListAttributes only
};

// Decoders. Errors: InvalidParameterException / AttributeLimitExceededException for bad tags,
// attributes, list sizes or nextToken.
[[nodiscard]] Result<RegisterContainerInstanceRequest> decode_register_container_instance(const Json& body);
[[nodiscard]] Result<DeregisterContainerInstanceRequest> decode_deregister_container_instance(const Json& body);
[[nodiscard]] Result<DescribeContainerInstancesRequest> decode_describe_container_instances(const Json& body);
[[nodiscard]] Result<ListContainerInstancesRequest> decode_list_container_instances(const Json& body);
[[nodiscard]] Result<UpdateContainerInstancesStateRequest> decode_update_container_instances_state(const Json& body);
[[nodiscard]] Result<ChangeAttributesRequest> decode_put_attributes(const Json& body);
[[nodiscard]] Result<ChangeAttributesRequest> decode_delete_attributes(const Json& body);
[[nodiscard]] Result<ListAttributesRequest> decode_list_attributes(const Json& body);

// Encoders.
Json encode_container_instance_reply(const ContainerInstanceReply& reply, const ArnScope& arns);
Json encode_container_instances_reply(const ContainerInstancesReply& reply, const ArnScope& arns);
Json encode_list_container_instances(const Page& page);
Json encode_attributes_reply(const AttributesReply& reply);

}  // namespace berth::model
