// The capabilities the kernel knows, by number, and the host's capability bounding set: a
// container can hold no capability its runtime's bounding set lacks (runc then fails with
// "unable to apply caps: operation not permitted"), so requests are intersected with it, as
// Docker does. Pure apart from reading /proc/self/status; thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::runtime {

// Every capability name ("CAP_CHOWN", ...) this build knows (numbers 0 to 40).
std::set<std::string> known_capabilities();

// Returns the CapBnd mask of a /proc/<pid>/status text (bit n = capability n), or
// ServerException if it has no well-formed CapBnd line.
[[nodiscard]] Result<std::uint64_t> parse_capability_bounding_set(std::string_view proc_status);

// Returns this process's bounding set, read from /proc/self/status.
[[nodiscard]] Result<std::uint64_t> host_capability_bounding_set();

// Returns `requested` without the capabilities whose bit `bounding_set` lacks. Names this build
// does not know are kept (runc then names them in its error).
std::set<std::string> within_bounding_set(const std::set<std::string>& requested, std::uint64_t bounding_set);

}  // namespace berth::runtime
