#include "svc/service_deployments.hpp"

#include <algorithm>

#include "common/ids.hpp"
#include "model/deployment_history.hpp"
#include "model/service_attachments.hpp"
#include "sched/service_rules.hpp"
#include "store/update_with_retry.hpp"
#include "svc/service_scheduler.hpp"

namespace berth::svc {
namespace {

// The service a history ARN names, while it is ACTIVE or DRAINING (ECS deletes a deleted
// service's deployments).
Result<std::optional<model::Service>> service_of(Context& ctx, const model::HistoryKey& key) {
  BERTH_ASSIGN(auto found, ctx.store.find_service(key.cluster, key.service));
  if (found && found->status == model::ServiceStatus::inactive) found.reset();
  return found;
}

model::ServiceDeploymentView view_of(const model::Service& s, const model::ServiceDeploymentRecord& r) {
  model::ServiceDeploymentView v{{s.cluster, s.name, r.id}, r, {}, false, 0};
  for (const auto& id : r.source_revisions) v.sources.emplace_back(id, model::live_counts_of(s, id));
  const Json breaker = s.deployment_configuration.value("deploymentCircuitBreaker", Json::object());
  v.circuit_breaker = breaker.is_object() && breaker.value("enable", false);
  v.failure_threshold = sched::failure_threshold(r.target_counts.requested);
  return v;
}

bool wanted(const model::ListServiceDeploymentsRequest& request, const model::ServiceDeploymentRecord& r) {
  if (!request.statuses.empty() &&
      std::find(request.statuses.begin(), request.statuses.end(), r.status) == request.statuses.end()) {
    return false;
  }
  if (request.created_after && r.created_at < *request.created_after) return false;
  if (request.created_before && r.created_at > *request.created_before) return false;
  return true;
}

Error deployment_not_found() {
  return Error{Code::service_deployment_not_found, "The service deployment was not found."};
}

// The service and the service deployment an ARN names, or ServiceDeploymentNotFoundException.
Result<std::pair<model::HistoryKey, model::Service>> deployment_named(Context& ctx, const std::string& arn) {
  const auto key = model::history_key_of(ctx.arns, model::k_service_deployment, arn);
  if (!key) return std::unexpected(deployment_not_found());
  BERTH_ASSIGN(auto service, service_of(ctx, *key));
  if (!service || !service->history.deployment(key->id)) return std::unexpected(deployment_not_found());
  return std::pair{*key, std::move(*service)};
}

// The ways services and clusters may have named the namespace `given` names. berth has no Cloud
// Map, so a namespace is the string they give: its name, or the ARN
// arn:aws:servicediscovery:<region>:<account>:namespace/<id>, whose id berth takes for the name.
std::vector<std::string> namespace_spellings(const Context& ctx, const std::string& given) {
  const std::string prefix = "arn:aws:servicediscovery:" + ctx.arns.region + ":" + ctx.arns.account + ":namespace/";
  if (given.starts_with(prefix)) return {given, given.substr(prefix.size())};
  if (is_arn(given)) return {given};
  return {given, prefix + given};
}

}  // namespace

Result<model::ListServiceDeploymentsReply> list_service_deployments(Context& ctx,
                                                                    const model::ListServiceDeploymentsRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto name = resource_id_of(ctx, cluster, "service", request.service);
  std::optional<model::Service> service;
  if (name) {
    BERTH_ASSIGN(service, service_of(ctx, {cluster, *name, ""}));
  }
  if (!service) return fail(Code::service_not_found, "Service not found.");
  const auto& records = service->history.deployments;  // newest first
  auto it = records.begin();
  if (!request.page.after.empty()) {
    it = std::find_if(records.begin(), records.end(),
                      [&](const model::ServiceDeploymentRecord& r) { return r.id == request.page.after; });
    if (it != records.end()) ++it;  // a token whose deployment left the history ends the list
  }
  model::ListServiceDeploymentsReply reply;
  for (; it != records.end(); ++it) {
    if (!wanted(request, *it)) continue;
    if (reply.deployments.size() == request.page.limit) {
      reply.next_token = model::make_next_token("serviceDeployments", reply.deployments.back().record.id);
      break;
    }
    reply.deployments.push_back(view_of(*service, *it));
  }
  return reply;
}

Result<model::DescribeServiceDeploymentsReply> describe_service_deployments(
    Context& ctx, const model::DescribeServiceDeploymentsRequest& request) {
  model::DescribeServiceDeploymentsReply reply;
  for (const auto& arn : request.arns) {
    auto named = deployment_named(ctx, arn);
    if (!named) {
      if (named.error().code != Code::service_deployment_not_found) return std::unexpected(named.error());
      reply.failures.push_back({arn, "MISSING"});
      continue;
    }
    const auto& [key, service] = *named;
    reply.deployments.push_back(view_of(service, *service.history.deployment(key.id)));
  }
  return reply;
}

Result<model::DescribeServiceRevisionsReply> describe_service_revisions(
    Context& ctx, const model::DescribeServiceRevisionsRequest& request) {
  model::DescribeServiceRevisionsReply reply;
  for (const auto& arn : request.arns) {
    const auto key = model::history_key_of(ctx.arns, model::k_service_revision, arn);
    std::optional<model::Service> service;
    if (key) {
      BERTH_ASSIGN(service, service_of(ctx, *key));
    }
    const model::ServiceRevision* revision = service ? service->history.revision(key->id) : nullptr;
    if (!revision) {
      reply.failures.push_back({arn, "MISSING"});
      continue;
    }
    reply.revisions.push_back({*key, *revision});
  }
  return reply;
}

Result<model::ServiceDeploymentArnReply> stop_service_deployment(Context& ctx,
                                                                 const model::StopServiceDeploymentRequest& request) {
  BERTH_ASSIGN(auto named, deployment_named(ctx, request.arn));
  const model::HistoryKey key = named.first;
  BERTH_TRY(store::update_with_retry(20, Code::server, "The service kept changing; try again.",
                                     [&]() -> Result<std::optional<bool>> {
    BERTH_ASSIGN(auto service, service_of(ctx, key));
    if (!service || !service->history.deployment(key.id)) return std::unexpected(deployment_not_found());
    model::Service s = std::move(*service);
    if (s.status != model::ServiceStatus::active) return fail(Code::service_not_active, "Service was not ACTIVE.");
    const EpochMs now = ctx.clock.now_ms();
    const auto status = s.history.deployment(key.id)->status;
    BERTH_TRY(model::roll_back(s, key.id, new_deployment_id(), "Rollback requested by StopServiceDeployment.", now));
    if (s.history.deployment(key.id)->status != status) {
      model::add_event(s, "(service " + s.name + ") rolling back service deployment " + key.id + " to service revision " +
                              s.history.deployment(key.id)->rollback_revision + ".",
                       now, random_uuid());
    }
    const long long version = s.version++;
    BERTH_ASSIGN(bool saved, ctx.store.replace_service(s, version));
    if (!saved) return std::nullopt;
    ctx.tasks_changed();
    return true;
  }));
  return model::ServiceDeploymentArnReply{key};
}

Result<model::ServiceDeploymentArnReply> continue_service_deployment(
    Context& ctx, const model::ContinueServiceDeploymentRequest& request) {
  BERTH_TRY(deployment_named(ctx, request.arn));
  return fail(Code::invalid_parameter, "The service deployment has no lifecycle hook " + request.hook_id +
                                           " awaiting an action: berth runs rolling deployments, which have no "
                                           "lifecycle hooks. Use StopServiceDeployment to roll back.");
}

Result<model::Page> list_services_by_namespace(Context& ctx, const model::ListServicesByNamespaceRequest& request) {
  const auto names = namespace_spellings(ctx, request.namespace_name);
  // The paging key is "<cluster>/<name>": cluster names hold no '/', so it orders as the list does.
  const auto slash = request.page.after.find('/');
  const store::ServiceName after = slash == std::string::npos
                                       ? store::ServiceName{}
                                       : store::ServiceName{request.page.after.substr(0, slash),
                                                            request.page.after.substr(slash + 1)};
  BERTH_ASSIGN(auto services, ctx.store.services_in_namespace(names, after, request.page.limit + 1));
  if (services.empty()) {
    BERTH_ASSIGN(bool known, ctx.store.namespace_known(names));
    if (!known) return fail(Code::namespace_not_found, "Namespace not found.");
  }
  const bool more = services.size() > request.page.limit;
  if (more) services.resize(request.page.limit);
  model::Page page;
  for (const auto& s : services) page.items.push_back(ctx.arns.service(s.cluster, s.name));
  if (more) page.next_token = model::make_next_token("servicesByNamespace", services.back().cluster + "/" + services.back().name);
  return page;
}

}  // namespace berth::svc
