#include "agent/container_links.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "common/numbers.hpp"

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

struct Port {
  long long number;
  std::string protocol;
  bool operator==(const Port&) const = default;
};

// The target's container ports (each port of a containerPortRange on its own), lowest first and
// tcp before udp, as Docker sorts a link's exposed ports.
std::vector<Port> exposed_ports(const Json& target) {
  std::vector<Port> ports;
  for (const auto& mapping : target.value("portMappings", Json::array())) {
    const std::string protocol = mapping.value("protocol", "tcp");
    if (mapping.contains("containerPort")) ports.push_back({mapping["containerPort"].get<long long>(), protocol});
    if (!mapping.contains("containerPortRange")) continue;
    // Registration checked the range ("8000-8010" within 1-65535).
    const std::string range = mapping["containerPortRange"];
    const auto dash = range.find('-');
    const auto first = parse_integer_in<long long>(std::string_view(range).substr(0, dash), 1, 65535);
    const auto last = parse_integer_in<long long>(std::string_view(range).substr(dash + 1), 1, 65535);
    if (dash == std::string::npos || !first || !last) continue;
    for (long long port = *first; port <= *last; ++port) ports.push_back({port, protocol});
  }
  std::sort(ports.begin(), ports.end(), [](const Port& a, const Port& b) {
    return std::tie(a.number, a.protocol) < std::tie(b.number, b.protocol);
  });
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

std::string url_of(const Port& port) {
  return port.protocol + "://" + k_link_address + ":" + std::to_string(port.number);
}

// Docker's port variables: <ALIAS>_PORT for the first port, four for each port, and for each run
// of consecutive ports of one protocol <ALIAS>_PORT_<first>_<PROTO>_START/_PORT_START/_PORT_END/_END,
// in Docker's order (a run's variables follow the port that ends it).
void add_port_variables(const std::string& prefix, const std::vector<Port>& ports,
                        std::vector<std::pair<std::string, std::string>>& env) {
  if (ports.empty()) return;
  env.emplace_back(prefix + "_PORT", url_of(ports[0]));
  Port run_start = ports[0], run_end = ports[0];
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const Port& port = ports[i];
    const std::string key = prefix + "_PORT_" + std::to_string(port.number) + "_" + variable_prefix(port.protocol);
    env.emplace_back(key, url_of(port));
    env.emplace_back(key + "_ADDR", k_link_address);
    env.emplace_back(key + "_PORT", std::to_string(port.number));
    env.emplace_back(key + "_PROTO", port.protocol);
    if (port.number == run_end.number + 1 && port.protocol == run_start.protocol) {
      run_end = port;
      if (i + 1 < ports.size()) continue;
    }
    if (run_end != run_start) {
      const std::string run = prefix + "_PORT_" + std::to_string(run_start.number) + "_" + variable_prefix(run_start.protocol);
      env.emplace_back(run + "_START", url_of(run_start));
      env.emplace_back(run + "_PORT_START", std::to_string(run_start.number));
      env.emplace_back(run + "_PORT_END", std::to_string(run_end.number));
      env.emplace_back(run + "_END", url_of(run_end));
    }
    run_start = run_end = port;
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> link_environment(const Json& td, const Json& c) {
  std::vector<std::pair<std::string, std::string>> env;
  const std::string name = c.value("name", "");
  for (const Link& link : links_of(c)) {
    const Json* target = container_named(td, link.target);
    if (!target) continue;  // registration refuses a link to a container the definition lacks
    const std::string prefix = variable_prefix(link.alias);
    add_port_variables(prefix, exposed_ports(*target), env);
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
