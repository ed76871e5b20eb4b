// Random identifiers (task ids, request ids, instance ids) from the kernel's CSPRNG. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace berth {

// Returns `n_bytes` random bytes as 2*n_bytes lowercase hex digits (ECS task id = 16 bytes).
std::string random_hex(std::size_t n_bytes);

// Returns `length` characters drawn uniformly from `alphabet` (at most 256 characters), e.g.
// access key ids and secrets. Precondition: `alphabet` is not empty.
std::string random_chars(std::size_t length, std::string_view alphabet);

// Returns a random RFC 4122 version 4 UUID in its 36-character text form.
std::string random_uuid();

}  // namespace berth
