#include "cli/discovery_dns.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "common/numbers.hpp"
#include "runtime/network/bridge_gateway.hpp"
#include "runtime/network/dns_resolv_conf.hpp"

namespace berth::cli {

std::unique_ptr<runtime::DnsServer> open_discovery_dns(const Config& config, const agent::AgentConfig& agent_config) {
  if (config.dns_listen == "off") return nullptr;
  runtime::DnsServerOptions options;
  if (config.dns_listen.empty()) {
    const auto gateway = runtime::bridge_gateway_of(agent_config.network.subnet);
    if (!gateway) return nullptr;
    options.address = *gateway;
  } else {
    const auto colon = config.dns_listen.rfind(':');
    options.address = config.dns_listen.substr(0, colon);
    options.port = parse_integer_in<int>(config.dns_listen.substr(colon + 1), 0, 65535).value_or(53);
  }
  options.upstreams = runtime::resolv_conf_nameservers(agent_config.host_resolv_conf);
  std::erase(options.upstreams, options.address);  // never to itself
  auto server = runtime::DnsServer::bind(options);
  if (!server) {
    log_warn("no DNS for containers (Cloud Map names): " + server.error().message +
             "; bridge containers keep the host's resolvers. Set BERTH_DNS_LISTEN to a free IPV4:PORT, or off");
    return nullptr;
  }
  std::string upstreams;
  for (const auto& upstream : options.upstreams) upstreams += " " + upstream;
  log_info("DNS for containers on " + options.address + ":" + std::to_string((*server)->port()) +
           " (Cloud Map namespaces; other names to" + (upstreams.empty() ? " no resolver: SERVFAIL" : upstreams) + ")");
  return std::move(*server);
}

agent::AgentConfig with_discovery_resolver(const agent::AgentConfig& agent_config, const runtime::DnsServer* dns) {
  agent::AgentConfig out = agent_config;
  if (dns && dns->port() == 53 && runtime::bridge_gateway_of(agent_config.network.subnet) == dns->address()) {
    out.host_resolv_conf = runtime::resolv_conf_via(dns->address(), agent_config.host_resolv_conf);
  }
  return out;
}

}  // namespace berth::cli
