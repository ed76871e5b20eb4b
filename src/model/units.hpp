// Task-level cpu and memory strings as ECS accepts them ("1 vCPU", "0.5 vcpu", "1024";
// "1GB", "0.5 GB", "512"), normalised to the integer strings ECS returns. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

// Returns CPU units (1 vCPU = 1024) as a decimal string, or ClientException.
[[nodiscard]] Result<std::string> normalize_task_cpu(std::string_view text);

// Returns MiB (1 GB = 1024 MiB) as a decimal string, or ClientException.
[[nodiscard]] Result<std::string> normalize_task_memory(std::string_view text);

// Returns the number a normalised cpu or memory string holds ("1024"), or nothing for any
// other text (a string that did not come from normalize_task_cpu/normalize_task_memory).
std::optional<long long> task_units_of(std::string_view normalized);

}  // namespace berth::model
