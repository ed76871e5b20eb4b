// The API URL berth gives agents (DiscoverPollEndpoint): its TCP listener's, with a wildcard
// listen host (0.0.0.0, [::]) replaced by an address of this gateway that others can reach, since
// a remote agent cannot use "0.0.0.0". Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::cli {

// "SCHEME://HOST:PORT" for the listen address `listen` ("HOST:PORT", as BERTH_LISTEN) bound on
// `port`. A wildcard host becomes the IPv4 address of the interface of this host's default route
// (the first other non-loopback IPv4 address when there is none, the host name when there is no
// address at all).
std::string advertised_api_url(std::string_view listen, int port, bool tls);

// Pure parts, for tests.
// Whether `host` (as in BERTH_LISTEN, an IPv6 one in brackets) means every address.
bool is_wildcard_host(std::string_view host);
// The interface of the default route with the lowest metric in a /proc/net/route table; nothing
// when it has none (or the text is not such a table).
std::optional<std::string> default_route_interface(std::string_view proc_net_route);

}  // namespace berth::cli
