// The GPUs a container asks for with resourceRequirements {type GPU, value N}: checked and parsed
// once here for registration, RunTask overrides and placement. Pure; thread-safe.
#pragma once

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// The most GPUs one container may ask for (ECS documents no limit; no gateway has more).
inline constexpr int k_max_container_gpus = 64;

// The GPUs `requirements` (a shape-checked resourceRequirements list) asks for: its GPU entry's
// value, 0 without one. ClientException when the value is not a whole number from 1 to
// k_max_container_gpus, GPU is listed twice, or it asks for an InferenceAccelerator (Elastic
// Inference does not exist on a gateway).
[[nodiscard]] Result<int> gpu_count(const Json& requirements);

}  // namespace berth::model
