// Name rules shared by ECS resources (clusters, families, containers, services, volumes).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

// True if `name` is 1–255 characters from [A-Za-z0-9_-]; this also rules out every path trick
// ('/', '..', NUL) for names that end up in file paths.
bool is_valid_name(std::string_view name);

// Returns InvalidParameter "<what> ..." unless `name` is valid.
[[nodiscard]] Result<void> check_name(std::string_view what, std::string_view name);

// True if `path` is absolute and has no '..' component and no NUL (host and container paths).
bool is_clean_absolute_path(std::string_view path);

}  // namespace berth::model
