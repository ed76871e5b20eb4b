// Task definition use cases: Register, Describe, List, ListFamilies, Deregister, Delete.
#include <algorithm>

#include "model/paging.hpp"
#include "model/task_definition.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

std::string tag_resource_of(const model::TaskDefinition& td) {
  return "task-definition/" + td.family + ":" + std::to_string(td.revision);
}

// Resolves a reference to a stored revision; ClientException as ECS when there is none.
Result<model::TaskDefinition> find_referenced(Context& ctx, const std::string& text,
                                              const std::string& not_found) {
  BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(text));
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(ref.family, ref.revision));
  if (!td) return fail(Code::client, not_found);
  return *td;
}

std::string page_key(const model::TaskDefinition& td) {
  return td.family + ":" + std::to_string(td.revision);
}

}  // namespace

Result<Json> register_task_definition(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto normalized, model::normalize_task_definition(request));
  const std::string family = normalized.body["family"];
  BERTH_ASSIGN(auto td, ctx.store.register_task_definition(family, normalized.body, normalized.tags,
                                                           ctx.clock.now_ms()));
  return Json{{"taskDefinition", model::task_definition_to_json(td, ctx.arns)},
              {"tags", model::tags_to_json(normalized.tags)}};
}

Result<Json> describe_task_definition(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto td, find_referenced(ctx, request["taskDefinition"], "Unable to describe task definition."));
  Json response{{"taskDefinition", model::task_definition_to_json(td, ctx.arns)}};
  const auto include = request.value("include", Json::array());
  if (std::find(include.begin(), include.end(), "TAGS") != include.end()) {
    BERTH_ASSIGN(auto tags, ctx.store.tags_of(tag_resource_of(td)));
    response["tags"] = model::tags_to_json(tags);
  }
  return response;
}

Result<Json> list_task_definitions(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "taskDefinitions"));
  store::TaskDefinitionQuery query;
  if (request.contains("familyPrefix")) query.family = request["familyPrefix"].get<std::string>();
  query.status = request.value("status", "ACTIVE");
  query.order = request.value("sort", "ASC") == "DESC" ? store::SortOrder::descending
                                                       : store::SortOrder::ascending;
  query.after = page.after;
  query.limit = page.limit + 1;
  BERTH_ASSIGN(auto list, ctx.store.list_task_definitions(query));
  const bool more = list.size() > page.limit;
  if (more) list.resize(page.limit);
  Json response{{"taskDefinitionArns", Json::array()}};
  for (const auto& td : list) {
    response["taskDefinitionArns"].push_back(ctx.arns.task_definition(td.family, td.revision));
  }
  set_next_token(response, more, "taskDefinitions", list.empty() ? "" : page_key(list.back()));
  return response;
}

Result<Json> list_task_definition_families(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "families"));
  store::FamilyQuery query;
  query.prefix = request.value("familyPrefix", "");
  query.status = request.value("status", "ACTIVE");
  query.after = page.after;
  query.limit = page.limit + 1;
  BERTH_ASSIGN(auto families, ctx.store.list_families(query));
  const bool more = families.size() > page.limit;
  if (more) families.resize(page.limit);
  Json response{{"families", families}};
  set_next_token(response, more, "families", families.empty() ? "" : families.back());
  return response;
}

Result<Json> deregister_task_definition(Context& ctx, const Json& request) {
  const std::string text = request["taskDefinition"];
  BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(text));
  if (!ref.revision) {
    return fail(Code::client, "A revision is required to deregister a task definition: use "
                              "family:revision or the full ARN.");
  }
  // Judged by the row the atomic move leaves: a concurrent DeleteTaskDefinitions is never undone.
  BERTH_ASSIGN(auto td, ctx.store.set_task_definition_status(ref.family, *ref.revision, "ACTIVE", "INACTIVE",
                                                             ctx.clock.now_ms()));
  if (td.status == "DELETE_IN_PROGRESS") return fail(Code::client, "The specified task definition does not exist.");
  return Json{{"taskDefinition", model::task_definition_to_json(td, ctx.arns)}};
}

Result<Json> delete_task_definitions(Context& ctx, const Json& request) {
  const auto refs = strings_of(request["taskDefinitions"]);
  if (refs.empty() || refs.size() > 10) {
    return fail(Code::invalid_parameter, "DeleteTaskDefinitions takes 1 to 10 task definitions.");
  }
  Json response{{"taskDefinitions", Json::array()}, {"failures", Json::array()}};
  for (const auto& text : refs) {
    const auto failure = [&](const std::string& reason) {
      response["failures"].push_back({{"arn", text}, {"reason", reason}});
    };
    auto ref = model::parse_task_definition_ref(text);
    if (!ref || !ref->revision) {
      failure(ref ? "The task definition must be given as family:revision or the full ARN." : ref.error().message);
      continue;
    }
    // One atomic move from INACTIVE, judged by the row it leaves (a concurrent move never undone).
    auto td = ctx.store.set_task_definition_status(ref->family, *ref->revision, "INACTIVE", "DELETE_IN_PROGRESS",
                                                   ctx.clock.now_ms());
    if (!td && td.error().code != Code::client) return std::unexpected(td.error());
    if (!td) {
      failure("The specified task definition does not exist.");
    } else if (td->status == "ACTIVE") {
      failure("The specified task definition is still in ACTIVE status. Please deregister the "
              "target and try again.");
    } else {
      response["taskDefinitions"].push_back(model::task_definition_to_json(*td, ctx.arns));
    }
  }
  return response;
}

}  // namespace berth::svc
