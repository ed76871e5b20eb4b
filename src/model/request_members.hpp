// Readers of members every decoder shares, on shape-checked bodies (types already checked).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// True if the body's `include` list names `field` ("TAGS", "STATISTICS", ...).
bool includes(const Json& body, std::string_view field);

// Returns a list of strings as a vector.
std::vector<std::string> strings_of(const Json& list);

// The ARNs a Describe action names (`member`, a list of strings): 1 to `max` (ECS's bound: 20), else
// InvalidParameterException saying how many were given.
Result<std::vector<std::string>> described_arns(const Json& list, const char* member, std::size_t max = 20);

// Returns the string member `key`, or nothing when it is not set.
std::optional<std::string> optional_string(const Json& body, const char* key);

}  // namespace berth::model
