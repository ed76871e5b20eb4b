// ephemeralStorage: the size limit on a task's writable layers (sizeInGiB, 21 to 200 as ECS
// allows), from its definition or a RunTask/StartTask override. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

inline constexpr long long k_min_ephemeral_storage_gib = 21;
inline constexpr long long k_max_ephemeral_storage_gib = 200;
// The attribute an agent registers when it can limit writable layers (project quotas on its
// data dir); a definition with ephemeralStorage is placed only where it is.
inline constexpr const char* k_ephemeral_storage_attribute = "berth.capability.ephemeral-storage";

// Checks an `ephemeralStorage` object (its shape already checked) found at `path`
// ("ephemeralStorage", "overrides.ephemeralStorage"): ClientException
// "<path>.sizeInGiB must be between 21 and 200." otherwise.
[[nodiscard]] Result<void> check_ephemeral_storage(const Json& value, const std::string& path);

// The limit a task of definition body `task_definition` run with `overrides` has, in GiB: the
// override's if given, else the definition's, else none.
std::optional<long long> ephemeral_storage_gib(const Json& task_definition, const Json& overrides);

}  // namespace berth::model
