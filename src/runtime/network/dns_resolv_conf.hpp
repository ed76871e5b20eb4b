// resolv.conf as berth's DNS reads and writes it: the host's resolvers to forward to, and the
// file bridge containers get when berth answers their names. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime {

// The `nameserver` addresses of resolv.conf `text`, in order (at most 3, as the C library reads).
std::vector<std::string> resolv_conf_nameservers(std::string_view text);

// The resolv.conf that sends a container's questions to `address`: one nameserver, then the
// host's `search`, `domain` and `options` lines as they are.
std::string resolv_conf_via(const std::string& address, std::string_view host_resolv_conf);

}  // namespace berth::runtime
