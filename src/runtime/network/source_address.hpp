// The address this host sends from to reach another: what a joined gateway registers as the
// address other gateways reach it at (the one its traffic to the serving gateway leaves from).
// Thread-safe.
#pragma once

#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// The local IPv4 address the routing table picks to reach `host` (an IPv4 address or a name
// with one) at `port`: a UDP socket is connected there (nothing is sent) and its own address read.
// ClientException if the host has no IPv4 address or no route leads there.
[[nodiscard]] Result<std::string> ipv4_source_toward(const std::string& host, int port);
// The same toward the host of an http(s):// URL; InvalidParameterException for another text.
[[nodiscard]] Result<std::string> ipv4_source_toward_url(const std::string& url);

}  // namespace berth::runtime
