// The one table of RegisterTaskDefinition fields: for every member of ECS's
// RegisterTaskDefinitionRequest, ContainerDefinition, LinuxParameters and Volume, whether berth
// honours it or refuses it, with the reason. No field is silently ignored: the README's "Task
// definition fields" table mirrors this one row for row (a unit test compares them), and the
// botocore integration test fails when a model member has no row, so a member AWS adds must be
// given one (honoured, or refused until berth implements it) before that test passes again.
// Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

enum class Support {
  honoured,  // applied as ECS documents it (conditions, if any, are checked and named)
  refused,   // refused with the row's reason: it cannot work on a gateway
};

// Where a field lives in a RegisterTaskDefinition request.
enum class FieldScope { task, container, linux_parameters, volume };

struct FieldRow {
  FieldScope scope;
  std::string_view name;  // the member's name inside its scope
  Support support;
  // honoured: what berth does with it (README). refused: why, as the refusal says it.
  std::string_view note;
};

// Every row, task fields first, in the README's order.
std::span<const FieldRow> task_definition_fields();

// The row's path as the README and the messages write it: "taskRoleArn",
// "containerDefinitions.links", "containerDefinitions.linuxParameters.devices",
// "volumes.efsVolumeConfiguration".
std::string field_path(const FieldRow& row);

// "honoured" or "refused".
std::string_view to_string(Support support);

// Returns ClientException for the first refused field the shape-checked request asks for,
// naming it: "taskRoleArn is not supported: <reason>.", "Invalid setting for container 'web'.
// credentialSpecs is not supported: <reason>.", "Volume 'data': efsVolumeConfiguration is not
// supported: <reason>".
[[nodiscard]] Result<void> check_field_support(const Json& request);

// The same rules for RunTask's and StartTask's shape-checked `overrides`: taskRoleArn,
// ephemeralStorage, inferenceAcceleratorOverrides (as inferenceAccelerators) and each
// containerOverrides' environmentFiles and resourceRequirements follow their definition
// field's row, e.g. "overrides.taskRoleArn is not supported: <reason>".
[[nodiscard]] Result<void> check_override_support(const Json& overrides);

}  // namespace berth::model
