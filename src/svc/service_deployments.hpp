// Service deployment use cases: ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions, StopServiceDeployment (ROLLBACK), ContinueServiceDeployment, and
// ListServicesByNamespace. The history itself is kept by model/deployment_history.hpp whenever a
// service is written. Thread-safe as the Store is.
#pragma once

#include "model/service_deployment_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// The service's deployments newest first, filtered and paged. ClusterNotFoundException;
// ServiceNotFoundException for a service that is not ACTIVE or DRAINING.
[[nodiscard]] Result<model::ListServiceDeploymentsReply> list_service_deployments(
    Context& ctx, const model::ListServiceDeploymentsRequest& request);

// Each ARN's service deployment; a failure "MISSING" for one berth does not hold (another region
// or account, an unknown or deleted service, a deployment dropped from the bounded history).
[[nodiscard]] Result<model::DescribeServiceDeploymentsReply> describe_service_deployments(
    Context& ctx, const model::DescribeServiceDeploymentsRequest& request);
[[nodiscard]] Result<model::DescribeServiceRevisionsReply> describe_service_revisions(
    Context& ctx, const model::DescribeServiceRevisionsRequest& request);

// Rolls the deployment back to its source revision (model::roll_back). Errors:
// ServiceDeploymentNotFoundException; ConflictException when it is finished or has nothing to
// return to; ServiceNotActiveException for a DRAINING service.
[[nodiscard]] Result<model::ServiceDeploymentArnReply> stop_service_deployment(
    Context& ctx, const model::StopServiceDeploymentRequest& request);

// berth's rolling deployments have no lifecycle hooks, so no hook ever awaits an action:
// ServiceDeploymentNotFoundException for an unknown deployment, else InvalidParameterException
// naming the hook.
[[nodiscard]] Result<model::ServiceDeploymentArnReply> continue_service_deployment(
    Context& ctx, const model::ContinueServiceDeploymentRequest& request);

// ACTIVE services of every cluster whose Service Connect uses the namespace (their own, or
// their cluster's serviceConnectDefaults), by cluster and name. NamespaceNotFoundException when
// no service or cluster names it.
[[nodiscard]] Result<model::Page> list_services_by_namespace(Context& ctx,
                                                             const model::ListServicesByNamespaceRequest& request);

}  // namespace berth::svc
