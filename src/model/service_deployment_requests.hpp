// Typed requests and replies of the service deployment actions (ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment,
// ContinueServiceDeployment) and ListServicesByNamespace: their request shapes, decoders from the
// shape-checked body with ECS's errors, and encoders to the wire. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/schema.hpp"
#include "model/service_revision.hpp"

namespace berth::model {

namespace deployment_shapes {
extern const Shape& list_service_deployments;
extern const Shape& describe_service_deployments;
extern const Shape& describe_service_revisions;
extern const Shape& stop_service_deployment;
extern const Shape& continue_service_deployment;
extern const Shape& list_services_by_namespace;
}  // namespace deployment_shapes

// Where a service deployment or revision lives: arn:aws:ecs:<region>:<account>:<type>/<cluster>/<service>/<id>.
struct HistoryKey {
  std::string cluster;
  std::string service;
  std::string id;
};
inline constexpr std::string_view k_service_deployment = "service-deployment";
inline constexpr std::string_view k_service_revision = "service-revision";

// The ARN of a service deployment or revision (`type` one of the two above).
std::string history_arn(const ArnScope& arns, std::string_view type, const HistoryKey& key);
// The key an ARN of `type` in this region and account names; nothing for another kind of
// string, ARN, region or account.
std::optional<HistoryKey> history_key_of(const ArnScope& arns, std::string_view type, std::string_view arn);
// A revision's {arn, requestedTaskCount, runningTaskCount, pendingTaskCount} (ECS's
// ServiceRevisionSummary and ServiceCurrentRevisionSummary); `service`'s id is not used.
Json revision_summary(const ArnScope& arns, const HistoryKey& service, const std::string& id, const RevisionCounts& c);

struct ListServiceDeploymentsRequest {
  std::optional<std::string> cluster;
  std::string service;                                 // name or ARN
  std::vector<ServiceDeploymentStatus> statuses;       // empty = every status
  std::optional<EpochMs> created_after;                // createdAt.after
  std::optional<EpochMs> created_before;               // createdAt.before
  PageRequest page;                                    // 20 by default
};

struct DescribeServiceDeploymentsRequest {
  std::vector<std::string> arns;  // 1 to 20
};

struct DescribeServiceRevisionsRequest {
  std::vector<std::string> arns;  // 1 to 20
};

// StopServiceDeployment: ECS's rolling deployments stop by ROLLBACK (ABORT is refused).
struct StopServiceDeploymentRequest {
  std::string arn;
};

struct ContinueServiceDeploymentRequest {
  std::string arn;
  std::string hook_id;
  bool roll_back = false;  // action ROLLBACK; CONTINUE by default
};

struct ListServicesByNamespaceRequest {
  std::string namespace_name;  // a Cloud Map namespace name or ARN, as services name it
  PageRequest page;            // 10 by default
};

// One service deployment as a reply shows it.
struct ServiceDeploymentView {
  HistoryKey key;
  ServiceDeploymentRecord record;
  std::vector<std::pair<std::string, RevisionCounts>> sources;  // revision id, its counts
  bool circuit_breaker = false;  // the service's deploymentCircuitBreaker.enable
  int failure_threshold = 0;
};

struct ListServiceDeploymentsReply {
  std::vector<ServiceDeploymentView> deployments;
  std::optional<std::string> next_token;
};

struct DescribeServiceDeploymentsReply {
  std::vector<ServiceDeploymentView> deployments;
  std::vector<Failure> failures;
};

struct ServiceRevisionView {
  HistoryKey key;
  ServiceRevision revision;
};

struct DescribeServiceRevisionsReply {
  std::vector<ServiceRevisionView> revisions;
  std::vector<Failure> failures;
};

// {"serviceDeploymentArn": ...}: StopServiceDeployment's and ContinueServiceDeployment's reply.
struct ServiceDeploymentArnReply {
  HistoryKey key;
};

// Decoders. Errors: InvalidParameterException for an ARN list outside 1–20, createdAt.after past
// createdAt.before or a bad timestamp, stopType ABORT, a bad nextToken.
[[nodiscard]] Result<ListServiceDeploymentsRequest> decode_list_service_deployments(const Json& body);
[[nodiscard]] Result<DescribeServiceDeploymentsRequest> decode_describe_service_deployments(const Json& body);
[[nodiscard]] Result<DescribeServiceRevisionsRequest> decode_describe_service_revisions(const Json& body);
[[nodiscard]] Result<StopServiceDeploymentRequest> decode_stop_service_deployment(const Json& body);
[[nodiscard]] Result<ContinueServiceDeploymentRequest> decode_continue_service_deployment(const Json& body);
[[nodiscard]] Result<ListServicesByNamespaceRequest> decode_list_services_by_namespace(const Json& body);

// Encoders (timestamps in epoch seconds; a time not reached yet is left out).
Json encode_list_service_deployments(const ListServiceDeploymentsReply& reply, const ArnScope& arns);
Json encode_describe_service_deployments(const DescribeServiceDeploymentsReply& reply, const ArnScope& arns);
Json encode_describe_service_revisions(const DescribeServiceRevisionsReply& reply, const ArnScope& arns);
Json encode_service_deployment_arn(const ServiceDeploymentArnReply& reply, const ArnScope& arns);
Json encode_list_services_by_namespace(const Page& page);

}  // namespace berth::model
