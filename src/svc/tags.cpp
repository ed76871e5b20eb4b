// Tagging use cases: TagResource, UntagResource, ListTagsForResource.
#include "model/task_definition.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

// Returns the tag key of an existing resource named by `arn` ("cluster/x",
// "task-definition/f:1", "container-instance/c/id"), or the ECS error for a missing one.
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
  if (parsed->resource_type == "container-instance") {
    const auto slash = parsed->resource.find('/');
    if (slash != std::string::npos) {
      BERTH_ASSIGN(auto ci, ctx.store.find_container_instance(parsed->resource.substr(0, slash),
                                                              parsed->resource.substr(slash + 1)));
      if (ci) return key;
    }
  }
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
