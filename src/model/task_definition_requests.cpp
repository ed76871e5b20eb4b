#include "model/task_definition_requests.hpp"

#include "model/request_members.hpp"

namespace berth::model {
namespace {

// The enum member `key` (its value already checked against the shape's enum), or `fallback`.
template <class E>
E enum_member(const Json& body, const char* key, E fallback) {
  const auto text = optional_string(body, key);
  return text ? from_wire<E>(*text).value_or(fallback) : fallback;
}

}  // namespace

Result<RegisterRequest> decode_register_task_definition(const Json& body) { return normalize_task_definition(body); }

Result<DescribeTaskDefinitionRequest> decode_describe_task_definition(const Json& body) {
  BERTH_ASSIGN(auto ref, parse_task_definition_ref(body["taskDefinition"].get<std::string>()));
  return DescribeTaskDefinitionRequest{std::move(ref), includes(body, "TAGS")};
}

Result<ListTaskDefinitionsRequest> decode_list_task_definitions(const Json& body) {
  ListTaskDefinitionsRequest request;
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "taskDefinitions"));
  request.family = optional_string(body, "familyPrefix");
  request.status = enum_member(body, "status", TaskDefinitionStatus::active);
  request.order = body.value("sort", "ASC") == "DESC" ? SortOrder::descending : SortOrder::ascending;
  return request;
}

Result<ListTaskDefinitionFamiliesRequest> decode_list_task_definition_families(const Json& body) {
  ListTaskDefinitionFamiliesRequest request;
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "families"));
  request.prefix = body.value("familyPrefix", "");
  request.status = enum_member(body, "status", FamilyStatus::active);
  return request;
}

Result<DeregisterTaskDefinitionRequest> decode_deregister_task_definition(const Json& body) {
  BERTH_ASSIGN(auto ref, parse_task_definition_ref(body["taskDefinition"].get<std::string>()));
  if (!ref.revision) {
    return fail(Code::client, "A revision is required to deregister a task definition: use "
                              "family:revision or the full ARN.");
  }
  return DeregisterTaskDefinitionRequest{std::move(ref.family), *ref.revision};
}

Result<DeleteTaskDefinitionsRequest> decode_delete_task_definitions(const Json& body) {
  const auto refs = strings_of(body["taskDefinitions"]);
  if (refs.empty() || refs.size() > 10) {
    return fail(Code::invalid_parameter, "DeleteTaskDefinitions takes 1 to 10 task definitions.");
  }
  DeleteTaskDefinitionsRequest request;
  for (const auto& text : refs) {
    auto ref = parse_task_definition_ref(text);
    if (!ref) {
      request.items.push_back({text, std::nullopt, ref.error().message});
    } else if (!ref->revision) {
      request.items.push_back({text, std::nullopt, "The task definition must be given as family:revision or the full ARN."});
    } else {
      request.items.push_back({text, std::move(*ref), ""});
    }
  }
  return request;
}

Json encode_task_definition_reply(const TaskDefinitionReply& reply, const ArnScope& arns) {
  Json out{{"taskDefinition", task_definition_to_json(reply.task_definition, arns)}};
  if (reply.tags) out["tags"] = tags_to_json(*reply.tags);
  return out;
}

Json encode_list_task_definitions(const Page& page) { return page_to_json("taskDefinitionArns", page); }

Json encode_list_task_definition_families(const Page& page) { return page_to_json("families", page); }

Json encode_delete_task_definitions(const DeleteTaskDefinitionsReply& reply, const ArnScope& arns) {
  Json task_definitions = Json::array();
  for (const auto& td : reply.task_definitions) task_definitions.push_back(task_definition_to_json(td, arns));
  return Json{{"taskDefinitions", std::move(task_definitions)}, {"failures", failures_to_json(reply.failures)}};
}

}  // namespace berth::model
