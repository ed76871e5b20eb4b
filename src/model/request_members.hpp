// Readers of members every decoder shares, on shape-checked bodies (types already checked).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/schema.hpp"

namespace berth::model {

// True if the body's `include` list names `field` ("TAGS", "STATISTICS", ...).
bool includes(const Json& body, std::string_view field);

// Returns a list of strings as a vector.
std::vector<std::string> strings_of(const Json& list);

// Returns the string member `key`, or nothing when it is not set.
std::optional<std::string> optional_string(const Json& body, const char* key);

}  // namespace berth::model
