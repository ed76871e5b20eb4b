#include "model/gpu_requirements.hpp"

#include "common/numbers.hpp"

namespace berth::model {

Result<int> gpu_count(const Json& requirements) {
  int count = 0;
  if (!requirements.is_array()) return count;
  for (const auto& r : requirements) {
    if (!r.is_object()) continue;
    if (r.value("type", "") == "InferenceAccelerator") {
      return fail(Code::client, "resourceRequirements InferenceAccelerator is not supported: Elastic Inference "
                                "accelerators do not exist on a gateway.");
    }
    if (r.value("type", "") != "GPU") continue;
    if (count > 0) return fail(Code::client, "resourceRequirements lists GPU more than once.");
    const Json value = r.value("value", Json());
    const auto parsed = value.is_string() ? parse_integer_in<int>(value.get<std::string>(), 1, k_max_container_gpus)
                                          : std::nullopt;
    if (!parsed) {
      return fail(Code::client, "resourceRequirements GPU value must be a whole number of GPUs from 1 to " +
                                    std::to_string(k_max_container_gpus) + ".");
    }
    count = *parsed;
  }
  return count;
}

}  // namespace berth::model
