// The address the host has on the bridge: what host-local IPAM makes the gateway of a subnet
// when no gateway is given (its first address), known before the bridge exists, so the task
// metadata endpoint can listen there from berth's start and bridge containers be told where it
// is. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

namespace berth::runtime {

// Returns the first host address of IPv4 subnet `cidr` ("172.31.0.0/16" → "172.31.0.1"; the host
// bits of the given address are ignored); nothing for text that is not an IPv4 subnet with a
// prefix of 8 to 30.
std::optional<std::string> bridge_gateway_of(const std::string& cidr);

}  // namespace berth::runtime
