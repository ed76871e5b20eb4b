// The one table of RegisterTaskDefinition fields: for every member of ECS's
// RegisterTaskDefinitionRequest, ContainerDefinition, LinuxParameters and Volume, whether berth
// honours it, refuses it for good, or refuses it until it is implemented ("pending"). The
// README's "Task definition fields" table mirrors it row for row (a unit test compares them),
// and the botocore integration test checks that no model member is missing. Turning a pending
// field into an honoured one is one line here plus its README row. Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

enum class Support {
  honoured,  // applied as ECS documents it (conditions, if any, are checked and named)
  refused,   // can never work on a gateway: refused with the row's reason
  pending,   // not implemented yet: refused with "<field> is not supported by berth yet."
};

// Where a field lives in a RegisterTaskDefinition request.
enum class FieldScope { task, container, linux_parameters, volume };

struct FieldRow {
  FieldScope scope;
  std::string_view name;  // the member's name inside its scope
  Support support;
  // honoured/pending: what berth does with it (README). refused: why, as the refusal says it.
  std::string_view note;
  // Whether `value` asks for anything: a refused or pending field is refused only then. Null
  // means "not false, null, an empty list or an empty object".
  bool (*asks_for_something)(const Json& value) = nullptr;
};

// Every row, task fields first, in the README's order.
std::span<const FieldRow> task_definition_fields();

// The row's path as the README and the messages write it: "taskRoleArn",
// "containerDefinitions.links", "containerDefinitions.linuxParameters.devices",
// "volumes.efsVolumeConfiguration".
std::string field_path(const FieldRow& row);

// "honoured", "refused" or "pending".
std::string_view to_string(Support support);

// Returns ClientException for the first refused or pending field the shape-checked request
// asks for, naming it: "pidMode is not supported by berth yet.", "Invalid setting for container
// 'web'. linuxParameters.devices is not supported by berth yet.", "Volume 'data':
// efsVolumeConfiguration is not supported: <reason>".
[[nodiscard]] Result<void> check_field_support(const Json& request);

// The same rules for RunTask's and StartTask's shape-checked `overrides`: taskRoleArn,
// ephemeralStorage, inferenceAcceleratorOverrides (as inferenceAccelerators) and each
// containerOverrides' environmentFiles and resourceRequirements follow their definition
// field's row, e.g. "overrides.taskRoleArn is not supported: <reason>".
[[nodiscard]] Result<void> check_override_support(const Json& overrides);

}  // namespace berth::model
