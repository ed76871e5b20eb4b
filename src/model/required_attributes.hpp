// The instance attributes a task definition needs (ECS's requiresAttributes): derived from the
// fields that only some instances can honour, shown by DescribeTaskDefinition and checked by
// placement (an instance without one is rejected with ATTRIBUTE). Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "model/cluster_snapshot.hpp"
#include "model/schema.hpp"

namespace berth::model {

// The names of the capabilities berth's agent registers: each registration replaces them all.
inline constexpr std::string_view k_berth_capability_prefix = "berth.capability.";

// The attribute berth's agent registers where runc applies linuxParameters.swappiness (cgroup v1;
// runc ignores it on v2).
inline constexpr const char* k_swappiness_capability = "berth.capability.memory-swappiness";

// The attributes `definition` (a stored, normalized task definition body) needs, one per rule at
// most, in rule order:
// - runtimePlatform.cpuArchitecture X86_64 / ARM64 → ecs.cpu-architecture x86_64 / arm64 (an
//   armhf agent registers arm, so it takes neither);
// - runtimePlatform.operatingSystemFamily LINUX → ecs.os-family LINUX;
// - any container's linuxParameters.swappiness → berth.capability.memory-swappiness (no value).
// Members of the wrong type (a body that was never shape-checked) ask for nothing.
std::vector<RequiredAttribute> required_attributes(const Json& definition);

// The reply's requiresAttributes: [{"name", "value"?}] (no value member for a name-only one).
Json required_attributes_to_json(const std::vector<RequiredAttribute>& attributes);

}  // namespace berth::model
