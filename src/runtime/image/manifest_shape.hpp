// The shape a registry's manifest or index must have before berth reads a field of it: every
// field berth uses of the type it reads, sizes and counts bounded, so that reading it cannot
// throw. Pure; thread-safe.
#pragma once

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::runtime {

// Returns nothing if `manifest` (a parsed image manifest or index) has the right shape, else
// ServerException naming the first field that does not.
[[nodiscard]] Result<void> check_manifest_shape(const model::Json& manifest);

}  // namespace berth::runtime
