// Task-level cpu and memory strings as ECS accepts them ("1 vCPU", "0.5 vcpu", "1024";
// "1GB", "0.5 GB", "512"), normalised to the integer strings ECS returns. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

// Returns CPU units (1 vCPU = 1024) as a decimal string, or ClientException.
[[nodiscard]] Result<std::string> normalize_task_cpu(std::string_view text);

// Returns MiB (1 GB = 1024 MiB) as a decimal string, or ClientException.
[[nodiscard]] Result<std::string> normalize_task_memory(std::string_view text);

}  // namespace berth::model
