// Typed requests and replies of the service actions (CreateService, UpdateService, DeleteService,
// DescribeServices, ListServices): decoders from the shape-checked body, validated once with
// ECS's errors, and encoders to the wire. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/capacity_provider_strategy.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/service.hpp"
#include "model/service_attachments.hpp"
#include "model/tags.hpp"

namespace berth::model {

// A request's deploymentConfiguration.
struct DeploymentConfiguration {
  Json given = Json::object();                 // as written (circuit breaker, alarms, ...), stored for round-tripping
  std::optional<int> maximum_percent;          // 100–10000
  std::optional<int> minimum_healthy_percent;  // 0–100
};

struct CreateServiceRequest {
  std::optional<std::string> cluster;  // nothing = the default cluster
  std::string name;                    // a valid name
  std::string task_definition;         // a reference, resolved by the use case
  SchedulingStrategy scheduling_strategy = SchedulingStrategy::replica;
  int desired_count = 0;               // REPLICA: given, not negative; DAEMON: never given
  // DAEMON: maximumPercent only 100.
  std::optional<DeploymentConfiguration> deployment_configuration;
  // As written (they are stored and echoed so): memberOf has an expression; at most 5
  // strategies, none for DAEMON.
  Json placement_constraints = Json::array();
  Json placement_strategy = Json::array();
  int health_check_grace_period_seconds = 0;
  bool enable_execute_command = false;
  std::vector<Tag> tags;
  LaunchCapacity capacity;
  TaskTagging tagging;
  // ECS or EXTERNAL (CODE_DEPLOY is refused). EXTERNAL: REPLICA only; its tasks come from task
  // sets, so a taskDefinition given is not run.
  DeploymentController deployment_controller = DeploymentController::ecs;
  AttachmentsUpdate attachments;     // kept, not acted on
  std::optional<std::string> role;   // a name or an ARN, shown as roleArn
};

struct UpdateServiceRequest {
  std::optional<std::string> cluster;
  std::string service;                             // name or ARN
  std::optional<int> desired_count;                // not negative
  std::optional<std::string> task_definition;      // a reference, resolved by the use case
  std::optional<DeploymentConfiguration> deployment_configuration;
  std::optional<Json> placement_constraints;       // checked as CreateService's
  std::optional<Json> placement_strategy;
  std::optional<int> health_check_grace_period_seconds;
  std::optional<CapacityProviderStrategy> capacity_provider_strategy;  // given and not empty
  std::optional<bool> enable_execute_command;      // for the tasks started from now on
  bool force_new_deployment = false;
  TaskTaggingChange tagging;  // for the tasks started after the update
  AttachmentsUpdate attachments;  // a change starts a new deployment, as in ECS
};

struct DeleteServiceRequest {
  std::optional<std::string> cluster;
  std::string service;  // name or ARN
  bool force = false;
};

struct DescribeServicesRequest {
  std::optional<std::string> cluster;
  std::vector<std::string> services;  // names or ARNs, 1 to 10
  bool with_tags = false;
};

// launchType is accepted and not interpreted: every berth service is EC2.
struct ListServicesRequest {
  std::optional<std::string> cluster;
  std::optional<SchedulingStrategy> scheduling_strategy;  // nothing = both
  PageRequest page;
};

// A service as a reply shows it: the stored service with its deployments' current task counts.
struct ServiceDescription {
  Service service;
  std::optional<std::vector<Tag>> tags;  // present when TAGS was asked for
};

// {"service": ...}: CreateService's, UpdateService's and DeleteService's reply.
struct ServiceReply {
  ServiceDescription service;
};

struct DescribeServicesReply {
  std::vector<ServiceDescription> services;
  std::vector<Failure> failures;
};

// Decoders. Errors: InvalidParameterException for a bad name, tag, count, deployment
// configuration, placement, list size or nextToken, and for what DAEMON services do not take;
// UnsupportedFeatureException for the CODE_DEPLOY deployment controller.
[[nodiscard]] Result<CreateServiceRequest> decode_create_service(const Json& body);
[[nodiscard]] Result<UpdateServiceRequest> decode_update_service(const Json& body);
[[nodiscard]] Result<DeleteServiceRequest> decode_delete_service(const Json& body);
[[nodiscard]] Result<DescribeServicesRequest> decode_describe_services(const Json& body);
[[nodiscard]] Result<ListServicesRequest> decode_list_services(const Json& body);

// Encoders.
Json encode_service_reply(const ServiceReply& reply, const ArnScope& arns);
Json encode_describe_services(const DescribeServicesReply& reply, const ArnScope& arns);
Json encode_list_services(const Page& page);

}  // namespace berth::model
