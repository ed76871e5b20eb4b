// Writes a JSON value as CBOR (RFC 8949), the body of Smithy RPC v2 CBOR replies: integers as
// CBOR integers, other numbers as float64, members named as timestamps as tag 1 (epoch seconds),
// as botocore's RpcV2CBOR parser expects them. Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// Returns `value` as CBOR. A member whose name is in `timestamp_members` and whose value is a
// number (or a list of numbers: GetMetricData's Timestamps) is written tagged as a timestamp.
// Precondition: `value` is one berth built (its nesting is shallow; the writer recurses).
std::string to_cbor(const Json& value, std::span<const std::string_view> timestamp_members);

}  // namespace berth::model
