// Task definition use cases: Register, Describe, List, ListFamilies, Deregister, Delete.
#include "svc/actions.hpp"
#include "svc/task_tags.hpp"

namespace berth::svc {
namespace {

std::string page_key(const model::TaskDefinition& td) {
  return td.family + ":" + std::to_string(td.revision);
}

}  // namespace

Result<model::TaskDefinitionReply> register_task_definition(Context& ctx, const model::RegisterRequest& request) {
  const std::string family = request.body["family"];
  BERTH_ASSIGN(auto td, ctx.store.register_task_definition(family, request.body, request.tags, ctx.clock.now_ms()));
  return model::TaskDefinitionReply{std::move(td), request.tags};
}

Result<model::TaskDefinitionReply> describe_task_definition(Context& ctx,
                                                            const model::DescribeTaskDefinitionRequest& request) {
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(request.ref.family, request.ref.revision));
  if (!td) return fail(Code::client, "Unable to describe task definition.");
  model::TaskDefinitionReply reply{std::move(*td), std::nullopt};
  if (request.with_tags) {
    BERTH_ASSIGN(reply.tags, ctx.store.tags_of(definition_tag_key(reply.task_definition)));
  }
  return reply;
}

Result<model::Page> list_task_definitions(Context& ctx, const model::ListTaskDefinitionsRequest& request) {
  store::TaskDefinitionQuery query;
  query.family = request.family;
  query.status = request.status;
  query.order = request.order == model::SortOrder::descending ? store::SortOrder::descending
                                                               : store::SortOrder::ascending;
  query.after = request.page.after;
  query.limit = request.page.limit + 1;
  BERTH_ASSIGN(auto list, ctx.store.list_task_definitions(query));
  const bool more = list.size() > request.page.limit;
  if (more) list.resize(request.page.limit);
  model::Page reply;
  for (const auto& td : list) reply.items.push_back(ctx.arns.task_definition(td.family, td.revision));
  reply.next_token = next_token(more, "taskDefinitions", list.empty() ? "" : page_key(list.back()));
  return reply;
}

Result<model::Page> list_task_definition_families(Context& ctx,
                                                  const model::ListTaskDefinitionFamiliesRequest& request) {
  store::FamilyQuery query;
  query.prefix = request.prefix;
  query.status = request.status;
  query.after = request.page.after;
  query.limit = request.page.limit + 1;
  BERTH_ASSIGN(auto families, ctx.store.list_families(query));
  const bool more = families.size() > request.page.limit;
  if (more) families.resize(request.page.limit);
  model::Page reply{std::move(families), std::nullopt};
  reply.next_token = next_token(more, "families", reply.items.empty() ? "" : reply.items.back());
  return reply;
}

Result<model::TaskDefinitionReply> deregister_task_definition(Context& ctx,
                                                              const model::DeregisterTaskDefinitionRequest& request) {
  // Judged by the row the atomic move leaves: a concurrent DeleteTaskDefinitions is never undone.
  BERTH_ASSIGN(auto td, ctx.store.set_task_definition_status(request.family, request.revision, model::TaskDefinitionStatus::active,
                                                             model::TaskDefinitionStatus::inactive, ctx.clock.now_ms()));
  if (td.status == model::TaskDefinitionStatus::delete_in_progress) return fail(Code::client, "The specified task definition does not exist.");
  return model::TaskDefinitionReply{std::move(td), std::nullopt};
}

Result<model::DeleteTaskDefinitionsReply> delete_task_definitions(Context& ctx,
                                                                  const model::DeleteTaskDefinitionsRequest& request) {
  model::DeleteTaskDefinitionsReply reply;
  for (const auto& item : request.items) {
    const auto failure = [&](const std::string& reason) { reply.failures.push_back({item.text, reason}); };
    if (!item.ref) {
      failure(item.problem);
      continue;
    }
    // One atomic move from INACTIVE, judged by the row it leaves (a concurrent move never undone).
    auto td = ctx.store.set_task_definition_status(item.ref->family, *item.ref->revision,
                                                   model::TaskDefinitionStatus::inactive,
                                                   model::TaskDefinitionStatus::delete_in_progress, ctx.clock.now_ms());
    if (!td && td.error().code != Code::client) return std::unexpected(td.error());
    if (!td) {
      failure("The specified task definition does not exist.");
    } else if (td->status == model::TaskDefinitionStatus::active) {
      failure("The specified task definition is still in ACTIVE status. Please deregister the "
              "target and try again.");
    } else {
      reply.task_definitions.push_back(std::move(*td));
    }
  }
  return reply;
}

}  // namespace berth::svc
