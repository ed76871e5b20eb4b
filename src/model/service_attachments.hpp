// What CreateService and UpdateService give of a service's attachments (loadBalancers,
// serviceRegistries, serviceConnectConfiguration, volumeConfigurations, role): read from the
// shape-checked body with the checks ECS makes of their form, and applied to the stored service.
// berth keeps them and returns them; it runs no load balancer, Cloud Map registry, Service
// Connect proxy or EBS volume. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/service_revision.hpp"

namespace berth::model {

// The members a request gave (nothing = leave as they are).
struct AttachmentsUpdate {
  std::optional<Json> load_balancers;
  std::optional<Json> service_registries;
  std::optional<Json> service_connect_configuration;
  std::optional<Json> volume_configurations;
};

// Reads the members from a CreateService or UpdateService body. Errors: InvalidParameterException
// for a list entry that is not an object, a serviceConnectConfiguration without a boolean
// `enabled` or with a namespace that is not a string, a volume configuration without a name.
[[nodiscard]] Result<AttachmentsUpdate> attachments_update_of(const Json& body);

// Applies `update`. Returns true when something changed (ECS then starts a new deployment).
bool apply_attachments(ServiceAttachments& attachments, const AttachmentsUpdate& update);

// The roleArn ECS shows for CreateService's `role`: an ARN as given, a name (with or without a
// path) as arn:aws:iam::<account>:role/<name>.
std::string role_arn_of(const std::string& role, const std::string& account);

// The Cloud Map namespace a service's Service Connect uses: its own, else the cluster's default
// (`cluster_default`, "" = none); "" when Service Connect is not enabled.
std::string service_connect_namespace(const ServiceAttachments& attachments, const std::string& cluster_default);

}  // namespace berth::model
