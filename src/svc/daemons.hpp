// The ECS Daemon API's use cases (api/ecs_actions.cpp names them). A daemon runs as a DAEMON
// service of a reserved name, so the service scheduler keeps exactly one of its tasks on every
// ACTIVE instance of its cluster and places them before replica services' tasks; these use
// cases keep its revisions and deployments. Thread-safe (state lives in the Store).
#pragma once

#include "model/daemon_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Daemon task definitions (svc/daemon_task_definitions.cpp).
Result<model::DaemonTaskDefinitionReply> register_daemon_task_definition(
    Context& ctx, const model::RegisterDaemonTaskDefinitionRequest& request);
// ClientException when there is no such daemon task definition.
Result<model::DaemonTaskDefinitionReply> describe_daemon_task_definition(Context& ctx,
                                                                         const model::DaemonTaskDefinitionRef& ref);
Result<model::DaemonTaskDefinitionsPage> list_daemon_task_definitions(
    Context& ctx, const model::ListDaemonTaskDefinitionsRequest& request);
// Moves an ACTIVE revision to DELETE_IN_PROGRESS; ClientException without a revision, for a
// missing or already deleted one (daemons running it keep running it).
Result<model::DaemonTaskDefinitionReply> delete_daemon_task_definition(Context& ctx,
                                                                       const model::DaemonTaskDefinitionRef& ref);

// Daemons (svc/daemons.cpp). Errors: ClusterNotFoundException, DaemonNotFoundException,
// DaemonNotActiveException (changing a daemon being deleted), ClientException for a daemon task
// definition that is not ACTIVE, InvalidParameterException for malformed ARNs and for capacity
// providers (names or ARNs, kept by name) not associated with the cluster. A revision's
// propagateTags, enableECSManagedTags and enableExecuteCommand go onto the backing service, so
// the daemon's tasks get them.
Result<model::DaemonChangeReply> create_daemon(Context& ctx, const model::CreateDaemonRequest& request);
Result<model::DaemonChangeReply> update_daemon(Context& ctx, const model::UpdateDaemonRequest& request);
Result<model::DaemonChangeReply> delete_daemon(Context& ctx, const model::DaemonArnRequest& request);
Result<model::DescribeDaemonReply> describe_daemon(Context& ctx, const model::DaemonArnRequest& request);
Result<model::DaemonsPage> list_daemons(Context& ctx, const model::ListDaemonsRequest& request);
Result<model::DaemonDeploymentsReply> list_daemon_deployments(Context& ctx,
                                                             const model::ListDaemonDeploymentsRequest& request);
Result<model::DaemonDeploymentsReply> describe_daemon_deployments(Context& ctx, const model::DaemonArnsRequest& request);
Result<model::DaemonRevisionsReply> describe_daemon_revisions(Context& ctx, const model::DaemonArnsRequest& request);

}  // namespace berth::svc
