// Tagging use cases: TagResource, UntagResource, ListTagsForResource.
#include "model/task_definition.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

// Returns the tag key of an existing resource named by `arn` ("cluster/x",
// "task-definition/f:1", "container-instance/c/id"), or the ECS error for a missing one.
Result<std::string> existing_resource(Context& ctx, const std::string& arn) {
  const auto parsed = parse_ecs_arn(arn);
  if (!parsed) return fail(Code::invalid_parameter, "'" + arn + "' is not a valid ECS ARN.");
  if (parsed->region != ctx.arns.region || parsed->account != ctx.arns.account) {
    return fail(Code::resource_not_found, "The specified resource could not be found.");
  }
  const std::string key = parsed->resource_type + "/" + parsed->resource;
  if (parsed->resource_type == "cluster") {
    BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(parsed->resource));
    if (!cluster || cluster->status != "ACTIVE") return fail(Code::cluster_not_found, "Cluster not found.");
    return key;
  }
  if (parsed->resource_type == "task-definition") {
    BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(arn));
    BERTH_ASSIGN(auto td, ctx.store.find_task_definition(ref.family, ref.revision));
    if (!td || td->status == "DELETE_IN_PROGRESS") {
      return fail(Code::resource_not_found, "The specified task definition could not be found.");
    }
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
  return fail(Code::resource_not_found, "The specified resource could not be found.");
}

}  // namespace

Result<Json> tag_resource(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request["resourceArn"]));
  BERTH_ASSIGN(auto tags, model::read_tags(request["tags"]));
  if (tags.empty()) return fail(Code::invalid_parameter, "TagResource needs at least one tag.");
  BERTH_TRY(ctx.store.add_tags(resource, tags));
  return Json::object();
}

Result<Json> untag_resource(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request["resourceArn"]));
  const auto keys = strings_of(request["tagKeys"]);
  if (keys.empty()) return fail(Code::invalid_parameter, "UntagResource needs at least one tag key.");
  BERTH_TRY(ctx.store.remove_tags(resource, keys));
  return Json::object();
}

Result<Json> list_tags_for_resource(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource, existing_resource(ctx, request["resourceArn"]));
  BERTH_ASSIGN(auto tags, ctx.store.tags_of(resource));
  return Json{{"tags", model::tags_to_json(tags)}};
}

}  // namespace berth::svc
