// Tagging use cases: TagResource, UntagResource, ListTagsForResource.
#include <algorithm>

#include "model/daemon.hpp"
#include "model/task_definition.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

// A service or task ARN in ECS's long format ("service/cluster/name", "task/cluster/id"): the
// cluster must be ACTIVE (else ClusterNotFoundException) and the resource in it (else
// ResourceNotFoundException naming what is missing); a short ARN without the cluster is
// InvalidParameterException, as ECS answers for a service that has not moved to the long format.
Result<void> existing_cluster_resource(Context& ctx, const ParsedArn& parsed) {
  const bool service = parsed.resource_type == "service";
  const auto slash = parsed.resource.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == parsed.resource.size()) {
    return fail(Code::invalid_parameter, "Long arn format must be used for tagging operations");
  }
  const std::string cluster = parsed.resource.substr(0, slash);
  const std::string name = parsed.resource.substr(slash + 1);
  BERTH_ASSIGN(auto found_cluster, ctx.store.find_cluster(cluster));
  if (!found_cluster || found_cluster->status != model::ClusterStatus::active) {
    return fail(Code::cluster_not_found, "Cluster not found.");
  }
  if (service) {
    BERTH_ASSIGN(auto found, ctx.store.find_service(cluster, name));
    if (!found || found->status == model::ServiceStatus::inactive) {
      return fail(Code::resource_not_found, "The specified service could not be found.");
    }
    return {};
  }
  BERTH_ASSIGN(auto found, ctx.store.find_task(cluster, name));
  if (!found) return fail(Code::resource_not_found, "The specified task could not be found.");
  return {};
}

// "task-set/<cluster>/<service>/<id>" for a task set the service holds, else
// TaskSetNotFoundException.
Result<std::string> existing_task_set(Context& ctx, const std::string& resource) {
  const auto first = resource.find('/');
  const auto second = first == std::string::npos ? first : resource.find('/', first + 1);
  if (second != std::string::npos) {
    const std::string cluster = resource.substr(0, first);
    const std::string id = resource.substr(second + 1);
    BERTH_ASSIGN(auto service, ctx.store.find_service(cluster, resource.substr(first + 1, second - first - 1)));
    if (service && std::any_of(service->task_sets.begin(), service->task_sets.end(),
                               [&](const model::TaskSet& t) { return t.id == id; })) {
      return "task-set/" + resource;
    }
  }
  return fail(Code::task_set_not_found, "The specified task set does not exist.");
}

// "daemon/<cluster>/<name>" for a daemon that still exists: ClusterNotFoundException unless its
// cluster is ACTIVE, DaemonNotFoundException (as the Daemon actions answer) for a missing one.
Result<std::string> existing_daemon(Context& ctx, const std::string& arn) {
  BERTH_ASSIGN(auto key, model::parse_daemon_arn(ctx.arns, arn, "daemon"));
  BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(key.cluster));
  if (!cluster || cluster->status != model::ClusterStatus::active) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_ASSIGN(auto found, ctx.store.find_daemon(key.cluster, key.name));
  if (!found) return fail(Code::daemon_not_found, "Daemon not found.");
  return "daemon/" + key.cluster + "/" + key.name;
}

// The tag key of daemon task definition "<family>:<revision>": it is the task definition row of
// the reserved family (model::daemon_family), whose tags RegisterDaemonTaskDefinition wrote
// under "task-definition/daemon:<family>:<revision>". ResourceNotFoundException for a missing or
// deleted one.
Result<std::string> existing_daemon_task_definition(Context& ctx, const std::string& resource) {
  BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(resource));
  std::optional<model::TaskDefinition> td;
  if (ref.revision) {
    BERTH_ASSIGN(td, ctx.store.find_task_definition(model::daemon_family(ref.family), ref.revision));
  }
  if (!td || td->status == model::TaskDefinitionStatus::delete_in_progress) {
    return fail(Code::resource_not_found, "The specified daemon task definition could not be found.");
  }
  return "task-definition/" + td->family + ":" + std::to_string(td->revision);
}

// Returns the tag key of an existing resource named by `arn` ("cluster/x",
// "task-definition/f:1", "container-instance/c/id", "service/c/name", "task/c/id",
// "task-set/c/s/id", "capacity-provider/x", "daemon/c/name", and "task-definition/daemon:f:1" for
// daemon task definition f:1), or the ECS error for a missing one.
Result<std::string> existing_resource(Context& ctx, const model::TaggedResource& resource) {
  const std::string& arn = resource.arn;
  const ParsedArn* parsed = &resource.parts;
  if (parsed->region != ctx.arns.region || parsed->account != ctx.arns.account) {
    return fail(Code::resource_not_found, "The specified resource could not be found.");
  }
  const std::string key = parsed->resource_type + "/" + parsed->resource;
  if (parsed->resource_type == "cluster") {
    BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(parsed->resource));
    if (!cluster || cluster->status != model::ClusterStatus::active) return fail(Code::cluster_not_found, "Cluster not found.");
    return key;
  }
  if (parsed->resource_type == "task-definition") {
    BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(arn));
    BERTH_ASSIGN(auto td, ctx.store.find_task_definition(ref.family, ref.revision));
    if (!td || td->status == model::TaskDefinitionStatus::delete_in_progress) {
      return fail(Code::resource_not_found, "The specified task definition could not be found.");
    }
    return key;
  }
  if (parsed->resource_type == "capacity-provider") {
    BERTH_ASSIGN(auto provider, ctx.store.find_capacity_provider(parsed->resource));
    if (provider) return key;
  }
  if (parsed->resource_type == "service" || parsed->resource_type == "task") {
    BERTH_TRY(existing_cluster_resource(ctx, *parsed));
    return key;
  }
  if (parsed->resource_type == "container-instance") {
    const auto slash = parsed->resource.find('/');
    if (slash != std::string::npos) {
      BERTH_ASSIGN(auto ci, ctx.store.find_container_instance(parsed->resource.substr(0, slash),
                                                              parsed->resource.substr(slash + 1)));
      if (ci) return key;
    }
  }
  if (parsed->resource_type == "task-set") return existing_task_set(ctx, parsed->resource);
  if (parsed->resource_type == "daemon") return existing_daemon(ctx, arn);
  if (parsed->resource_type == "daemon-task-definition") return existing_daemon_task_definition(ctx, parsed->resource);
  return fail(Code::resource_not_found, "The specified resource could not be found.");
}

}  // namespace

Result<model::EmptyReply> tag_resource(Context& ctx, const model::TagResourceRequest& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request.resource));
  BERTH_TRY(ctx.store.add_tags(resource, request.tags));
  return model::EmptyReply{};
}

Result<model::EmptyReply> untag_resource(Context& ctx, const model::UntagResourceRequest& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request.resource));
  BERTH_TRY(ctx.store.remove_tags(resource, request.tag_keys));
  return model::EmptyReply{};
}

Result<std::vector<model::Tag>> list_tags_for_resource(Context& ctx, const model::ListTagsForResourceRequest& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request.resource));
  return ctx.store.tags_of(resource);
}

}  // namespace berth::svc
