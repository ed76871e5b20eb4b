// Typed requests and replies of the task definition actions (Register, Describe, List,
// ListFamilies, Deregister, Delete): decoders validated once with ECS's errors, and encoders.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/statuses.hpp"
#include "model/task_definition.hpp"

namespace berth::model {

enum class SortOrder { ascending, descending };

// RegisterTaskDefinition's request is normalize_task_definition's RegisterRequest.

struct DescribeTaskDefinitionRequest {
  TaskDefinitionRef ref;
  bool with_tags = false;
};

struct ListTaskDefinitionsRequest {
  std::optional<std::string> family;  // familyPrefix: the exact family
  TaskDefinitionStatus status = TaskDefinitionStatus::active;
  SortOrder order = SortOrder::ascending;
  PageRequest page;
};

struct ListTaskDefinitionFamiliesRequest {
  std::string prefix;  // "" = every family
  FamilyStatus status = FamilyStatus::active;
  PageRequest page;
};

struct DeregisterTaskDefinitionRequest {
  std::string family;
  long long revision = 0;
};

// One reference of DeleteTaskDefinitions: a reference that does not parse (or has no revision)
// is a failure of its own, not of the request.
struct DeleteTaskDefinitionItem {
  std::string text;  // as given: failures name it
  std::optional<TaskDefinitionRef> ref;  // with a revision; nothing when `problem` says why not
  std::string problem;
};

struct DeleteTaskDefinitionsRequest {
  std::vector<DeleteTaskDefinitionItem> items;  // 1 to 10
};

// {"taskDefinition": ...} with "tags" when they belong to the reply.
struct TaskDefinitionReply {
  TaskDefinition task_definition;
  std::optional<std::vector<Tag>> tags;
};

struct DeleteTaskDefinitionsReply {
  std::vector<TaskDefinition> task_definitions;
  std::vector<Failure> failures;
};

// Decoders. Errors: ClientException / InvalidParameterException as ECS words them (see
// normalize_task_definition and parse_task_definition_ref).
[[nodiscard]] Result<RegisterRequest> decode_register_task_definition(const Json& body);
[[nodiscard]] Result<DescribeTaskDefinitionRequest> decode_describe_task_definition(const Json& body);
[[nodiscard]] Result<ListTaskDefinitionsRequest> decode_list_task_definitions(const Json& body);
[[nodiscard]] Result<ListTaskDefinitionFamiliesRequest> decode_list_task_definition_families(const Json& body);
[[nodiscard]] Result<DeregisterTaskDefinitionRequest> decode_deregister_task_definition(const Json& body);
[[nodiscard]] Result<DeleteTaskDefinitionsRequest> decode_delete_task_definitions(const Json& body);

// Encoders.
Json encode_task_definition_reply(const TaskDefinitionReply& reply, const ArnScope& arns);
Json encode_list_task_definitions(const Page& page);
Json encode_list_task_definition_families(const Page& page);
Json encode_delete_task_definitions(const DeleteTaskDefinitionsReply& reply, const ArnScope& arns);

}  // namespace berth::model
