// berth's DNS server as a gateway runs it: where it listens (BERTH_DNS_LISTEN, else the bridge's
// gateway address, port 53), which resolvers it forwards to (the host's resolv.conf), and the
// resolv.conf bridge containers get when it serves there. Built once by the daemon; not thread-safe.
#pragma once

#include <memory>

#include "agent/agent.hpp"
#include "common/config.hpp"
#include "runtime/network/dns_server.hpp"

namespace berth::cli {

// Returns the server bound as `config` says, or null when it is off or cannot bind (a port
// another program holds costs the names, not the gateway: it is logged).
std::unique_ptr<runtime::DnsServer> open_discovery_dns(const Config& config, const agent::AgentConfig& agent_config);

// `agent_config` with the resolv.conf bridge containers get: through `dns` when it listens on
// the bridge's gateway address at port 53 (where a resolver can be named), else unchanged.
agent::AgentConfig with_discovery_resolver(const agent::AgentConfig& agent_config, const runtime::DnsServer* dns);

}  // namespace berth::cli
