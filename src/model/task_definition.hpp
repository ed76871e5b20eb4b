// TaskDefinition: validation and normalisation of RegisterTaskDefinition input into the
// canonical JSON berth stores and returns, plus references ("family", "family:rev", ARN).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/network_mode.hpp"
#include "model/schema.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace berth::model {

// A registered revision as stored.
struct TaskDefinition {
  std::string family;
  long long revision = 0;
  TaskDefinitionStatus status = TaskDefinitionStatus::active;
  Json body;                      // canonical content: everything the user registered
  EpochMs registered_at = 0;
  std::optional<EpochMs> deregistered_at;
};

struct RegisterRequest {
  Json body;  // canonical content, as in TaskDefinition::body
  std::vector<Tag> tags;
};

// ECS caps a task definition's JSON at 64 KiB.
inline constexpr std::size_t k_max_task_definition_bytes = 64 * 1024;

// Validates a shape-checked RegisterTaskDefinition request as ECS does (names, 1–10 uniquely
// named containers, an essential container, memory at container or task level, ports,
// dependsOn targets and cycles, volumes and paths, health checks, limits) and fills ECS's
// defaults (essential, cpu 0, protocol tcp, empty lists, networkMode bridge, task cpu/memory
// strings normalised). Refuses every field the field table (model/task_definition_fields.hpp)
// marks refused or pending and the settings berth can never apply in their combination.
// Returns ClientException / InvalidParameterException naming the field.
[[nodiscard]] Result<RegisterRequest> normalize_task_definition(Json request);

// Returns the definition's networkMode: the one its canonical `body` names, else ECS's default
// (bridge). normalize_task_definition always fills it; this reads rows stored before it did.
NetworkMode network_mode_of(const Json& body);

// Returns the wire TaskDefinition (body + ARN, revision, status, timestamps, registeredBy).
Json task_definition_to_json(const TaskDefinition& td, const ArnScope& arns);

struct TaskDefinitionRef {
  std::string family;
  std::optional<long long> revision;  // none = latest ACTIVE
};

// Parses "family", "family:revision" or a task-definition ARN: the one reader of references
// for every action that takes one. Returns ClientException "Family contains invalid
// characters." for a bad family (as RegisterTaskDefinition), InvalidParameterException
// "Invalid revision number. Number: <text>" for a revision that is not a positive 32-bit
// number, ClientException for an ARN of another kind or without its revision.
[[nodiscard]] Result<TaskDefinitionRef> parse_task_definition_ref(std::string_view text);

// Returns ClientException unless `family` is 1–255 letters, digits, '-' and '_' (as ECS).
[[nodiscard]] Result<void> check_family(std::string_view family);

}  // namespace berth::model
