#include "agent/container_links.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace berth::agent {
namespace {

using model::Json;

// The linking container reaches its links over the task's shared loopback.
constexpr const char* k_link_address = "127.0.0.1";

struct Link {
  std::string target;
  std::string alias;
};

std::vector<Link> links_of(const Json& c) {
  std::vector<Link> out;
  for (const auto& value : c.value("links", Json::array())) {
    const std::string link = value.get<std::string>();
    const auto colon = link.find(':');
    const std::string target = link.substr(0, colon);
    out.push_back({target, colon == std::string::npos ? target : link.substr(colon + 1)});
  }
  return out;
}

std::string variable_prefix(const std::string& alias) {
  std::string out = alias;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return ch == '-' ? '_' : std::toupper(ch); });
  return out;
}

const Json* container_named(const Json& td, const std::string& name) {
  const auto containers = td.find("containerDefinitions");
  if (containers == td.end()) return nullptr;
  for (const auto& c : *containers) {
    if (c.value("name", "") == name) return &c;
  }
  return nullptr;
}

// The target's container ports as (port, protocol), lowest first and tcp before udp (Docker's order).
std::vector<std::pair<long long, std::string>> exposed_ports(const Json& target) {
  std::vector<std::pair<long long, std::string>> ports;
  for (const auto& mapping : target.value("portMappings", Json::array())) {
    if (!mapping.contains("containerPort")) continue;
    ports.emplace_back(mapping["containerPort"].get<long long>(), mapping.value("protocol", "tcp"));
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> link_environment(const Json& td, const Json& c) {
  std::vector<std::pair<std::string, std::string>> env;
  const std::string name = c.value("name", "");
  for (const Link& link : links_of(c)) {
    const Json* target = container_named(td, link.target);
    if (!target) continue;  // registration refuses a link to a container the definition lacks
    const std::string prefix = variable_prefix(link.alias);
    const auto ports = exposed_ports(*target);
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const auto& [port, protocol] = ports[i];
      const std::string url = protocol + "://" + k_link_address + ":" + std::to_string(port);
      const std::string key = prefix + "_PORT_" + std::to_string(port) + "_" + variable_prefix(protocol);
      if (i == 0) env.emplace_back(prefix + "_PORT", url);
      env.emplace_back(key, url);
      env.emplace_back(key + "_ADDR", k_link_address);
      env.emplace_back(key + "_PORT", std::to_string(port));
      env.emplace_back(key + "_PROTO", protocol);
    }
    env.emplace_back(prefix + "_NAME", "/" + name + "/" + link.alias);
    for (const auto& e : target->value("environment", Json::array())) {
      const std::string variable = e.value("name", "");
      if (variable.empty() || variable == "HOME" || variable == "PATH") continue;
      env.emplace_back(prefix + "_ENV_" + variable, e.value("value", ""));
    }
  }
  return env;
}

std::string link_hosts_lines(const Json& c) {
  std::string out;
  for (const Link& link : links_of(c)) {
    out += std::string(k_link_address) + "\t" + link.alias + (link.alias == link.target ? "" : " " + link.target) + "\n";
  }
  return out;
}

}  // namespace berth::agent
