// Parsing JSON text (and CBOR, the same data model in binary) from outside berth (API bodies, schedule Input, registry replies, image
// manifests and configs, auth and agent config) with a bound on nesting. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// The deepest nesting accepted, counting each object or array as one level (a top-level object
// is level 1). ECS and Scheduler request shapes, OCI manifests, indexes and image configs, and
// Docker auth configs need fewer than ten levels; 64 leaves room for the free-form members
// (alarms, serviceConnectConfiguration, ...). The bound exists because copying, comparing and
// dumping a value recurse once per level: 75,000 levels overflow a thread's stack.
inline constexpr std::size_t k_max_json_depth = 64;

// Parses `text` as one JSON value nested at most `max_depth` levels. The parser stops at the
// first level too deep, so no deeper value is ever built. Returns SerializationException
// "<what> is not valid JSON." or "<what> is nested more than <max_depth> levels deep.".
[[nodiscard]] Result<Json> parse_json(std::string_view text, std::string_view what,
                                      std::size_t max_depth = k_max_json_depth);

// Parses `bytes` as one CBOR data item (RFC 8949) into the JSON data model, with the same bound
// on nesting; tags are dropped for their values (a tag 1 timestamp reads as its epoch seconds).
// Byte strings become binary values; NaN and infinities are refused. Returns
// SerializationException "<what> is not valid CBOR." or "... nested more than ...".
[[nodiscard]] Result<Json> parse_cbor(std::string_view bytes, std::string_view what,
                                      std::size_t max_depth = k_max_json_depth);

}  // namespace berth::model
