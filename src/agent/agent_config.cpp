// AgentConfig::from: the ECS agent's configuration keys, read the way the ECS agent reads them,
// with the local agent's BERTH_* settings that Config has already checked.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "agent/agent.hpp"
#include "common/files.hpp"
#include "model/json_parse.hpp"
#include "runtime/image/registry_auth.hpp"
#include "common/numbers.hpp"

namespace berth::agent {
namespace {

// Go-style durations as the ECS agent takes them ("30s", "2m", "1h30m"); a bare number is seconds.
Result<int> parse_seconds(const std::string& key, const std::string& text) {
  long long total = 0;
  std::size_t i = 0;
  const auto bad = [&] { return fail(Code::invalid_parameter, key + " must be a duration like 30s or 2m"); };
  if (text.empty()) return bad();
  while (i < text.size()) {
    long long n = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc()) return bad();
    i = static_cast<std::size_t>(end - text.data());
    if (i == text.size()) return static_cast<int>(total + n);
    const char unit = text[i++];
    if (unit == 'h') total += n * 3600;
    else if (unit == 'm' && (i >= text.size() || text[i] != 's')) total += n * 60;
    else if (unit == 's') total += n;
    else return bad();
  }
  return static_cast<int>(total);
}

Result<std::vector<int>> parse_ports(const std::string& key, const std::string& text) {
  const auto json = model::parse_json(text, key).value_or(model::Json());
  if (!json.is_array()) return fail(Code::invalid_parameter, key + " must be a JSON list of ports, like [22, 80]");
  std::vector<int> ports;
  for (const auto& p : json) {
    if (!p.is_number_integer() || p.get<int>() < 1 || p.get<int>() > 65535) {
      return fail(Code::invalid_parameter, key + " holds a value that is not a port");
    }
    ports.push_back(p.get<int>());
  }
  if (ports.size() > 100) return fail(Code::invalid_parameter, key + " may hold at most 100 ports");
  return ports;
}

Result<long long> parse_count(const std::string& key, const std::string& text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) {
    return fail(Code::invalid_parameter, key + " must be a whole number");
  }
  return n;
}

Result<std::pair<int, int>> parse_port_range(const std::string& key, std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  // "first-last", or the kernel's "first<TAB>last"; %d would overflow on a long number.
  const auto separator = text.find_first_of("- \t");
  const auto rest = separator == std::string::npos ? std::string::npos : text.find_first_not_of("- \t", separator);
  const auto first = parse_integer_in<int>(std::string_view(text).substr(0, separator), 1, 65535);
  // value_or, not *: g++ 12 at -Os warns (falsely) that the optional may be read uninitialized.
  const int low = first.value_or(0);
  const int high = rest == std::string::npos
                       ? 0
                       : parse_integer_in<int>(std::string_view(text).substr(rest), 1, 65535).value_or(0);
  if (low == 0 || high == 0 || low > high) {
    return fail(Code::invalid_parameter, key + " must be a port range such as 32768-60999");
  }
  return std::make_pair(low, high);
}

}  // namespace

Result<AgentConfig> AgentConfig::from(const Config& config) {
  AgentConfig out;
  out.cluster = config.cluster;
  out.arns = {config.region, config.account};
  out.data_dir = config.data_dir;
  const auto get = [&](const char* key) -> const std::string* {
    const auto it = config.raw.find(key);
    return it == config.raw.end() ? nullptr : &it->second;
  };
  if (auto v = get("ECS_RESERVED_MEMORY")) { BERTH_ASSIGN(out.reserved_memory_mib, parse_count("ECS_RESERVED_MEMORY", *v)); }
  out.cpu_units = config.cpu_units;
  out.memory_mib = config.memory_mib;
  if (auto v = get("ECS_RESERVED_PORTS")) {
    BERTH_ASSIGN(auto ports, parse_ports("ECS_RESERVED_PORTS", *v));
    out.reserved_ports.insert(out.reserved_ports.end(), ports.begin(), ports.end());
  }
  if (auto v = get("ECS_RESERVED_PORTS_UDP")) { BERTH_ASSIGN(out.reserved_udp_ports, parse_ports("ECS_RESERVED_PORTS_UDP", *v)); }
  if (auto v = get("ECS_INSTANCE_ATTRIBUTES")) {
    const auto json = model::parse_json(*v, "ECS_INSTANCE_ATTRIBUTES").value_or(model::Json());
    if (!json.is_object()) return fail(Code::invalid_parameter, "ECS_INSTANCE_ATTRIBUTES must be a JSON object of strings");
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (!it.value().is_string()) return fail(Code::invalid_parameter, "ECS_INSTANCE_ATTRIBUTES values must be strings");
      out.custom_attributes[it.key()] = it.value().get<std::string>();
    }
  }
  out.instance_type = config.instance_type;
  out.availability_zone = config.availability_zone;
  out.instance_address = config.instance_address;
  out.cgroup_parent = config.cgroup_parent;
  out.metadata_port = config.metadata_port;
  out.journald_socket = config.journald_socket;
  // The endpoint's port, moved off 51679, is no task's to take either.
  if (out.metadata_port > 0 &&
      std::find(out.reserved_ports.begin(), out.reserved_ports.end(), out.metadata_port) == out.reserved_ports.end()) {
    out.reserved_ports.push_back(out.metadata_port);
  }
  if (auto v = get("ECS_CONTAINER_STOP_TIMEOUT")) { BERTH_ASSIGN(out.default_stop_timeout_s, parse_seconds("ECS_CONTAINER_STOP_TIMEOUT", *v)); }
  if (auto v = get("ECS_CONTAINER_START_TIMEOUT")) { BERTH_ASSIGN(out.default_start_timeout_s, parse_seconds("ECS_CONTAINER_START_TIMEOUT", *v)); }
  out.crash_marker_dir = config.run_dir + "/task-work";
  out.network.ipam_dir = config.run_dir + "/ipam";
  out.network.netns_dir = config.run_dir + "/netns";
  out.network.state_dir = config.data_dir + "/network";
  if (config.cni_path) out.network.plugin_dir = *config.cni_path;
  if (config.bridge_name) out.network.bridge = *config.bridge_name;
  if (config.bridge_subnet) out.network.subnet = *config.bridge_subnet;
  if (auto v = get("ECS_DYNAMIC_HOST_PORT_RANGE")) {
    BERTH_ASSIGN(out.dynamic_host_ports, parse_port_range("ECS_DYNAMIC_HOST_PORT_RANGE", *v));
  } else if (auto kernel = read_file("/proc/sys/net/ipv4/ip_local_port_range"); kernel) {
    if (auto range = parse_port_range("ip_local_port_range", *kernel); range) out.dynamic_host_ports = *range;
  }
  // The agent's own stand-ins for dynamic ports taken since placement come from the same range.
  out.network.dynamic_ports.range = out.dynamic_host_ports;
  out.network.dynamic_ports.reserved_tcp = {out.reserved_ports.begin(), out.reserved_ports.end()};
  out.network.dynamic_ports.reserved_udp = {out.reserved_udp_ports.begin(), out.reserved_udp_ports.end()};
  if (auto resolv = read_file("/etc/resolv.conf"); resolv) out.host_resolv_conf = *resolv;
  {
    const std::string* type = get("ECS_ENGINE_AUTH_TYPE");
    const std::string* data = get("ECS_ENGINE_AUTH_DATA");
    BERTH_ASSIGN(out.registry_credentials, runtime::parse_engine_auth(type ? *type : "", data ? *data : ""));
  }
  for (const auto& registry : config.insecure_registries) {
    out.insecure_registries.push_back(runtime::registry_host_of(registry));
  }
  // ECS clamps the interval to at least 10 minutes; berth takes what it is given (tests, and
  // gateways short of disk, want less).
  if (auto v = get("ECS_IMAGE_CLEANUP_INTERVAL")) {
    BERTH_ASSIGN(int seconds, parse_seconds("ECS_IMAGE_CLEANUP_INTERVAL", *v));
    out.image_cleanup.interval_ms = std::max(1, seconds) * 1000LL;
  }
  if (auto v = get("ECS_IMAGE_MINIMUM_CLEANUP_AGE")) {
    BERTH_ASSIGN(int seconds, parse_seconds("ECS_IMAGE_MINIMUM_CLEANUP_AGE", *v));
    out.image_cleanup.minimum_age_ms = seconds * 1000LL;
  }
  if (auto v = get("ECS_NUM_IMAGES_DELETE_PER_CYCLE")) {
    BERTH_ASSIGN(long long n, parse_count("ECS_NUM_IMAGES_DELETE_PER_CYCLE", *v));
    out.image_cleanup.per_cycle = static_cast<std::size_t>(n);
  }
  if (auto v = get("ECS_DISABLE_IMAGE_CLEANUP")) out.image_cleanup.enabled = *v != "true";
  out.registry_ca_file = config.registry_ca_file;
  out.restart_attempt_period_s = config.restart_attempt_period_s;
  if (auto v = get("ECS_IMAGE_PULL_BEHAVIOR")) {
    if (*v != "default" && *v != "always" && *v != "once" && *v != "prefer-cached") {
      return fail(Code::invalid_parameter, "ECS_IMAGE_PULL_BEHAVIOR must be default, always, once or prefer-cached");
    }
    out.pull_behavior = *v;
  }
  if (auto v = get("ECS_TASK_PIDS_LIMIT")) {
    BERTH_ASSIGN(long long pids, parse_count("ECS_TASK_PIDS_LIMIT", *v));
    if (pids > 0) out.task_pids_limit = pids;
  }
  return out;
}

runtime::RegistryOptions registry_options(const AgentConfig& config, const std::string& blob_dir) {
  runtime::RegistryOptions options;
  options.blob_dir = blob_dir;
  options.insecure_registries = config.insecure_registries;
  options.ca_file = config.registry_ca_file;
  options.credentials = [credentials = config.registry_credentials](const std::string& registry)
      -> std::optional<runtime::RegistryCredentials> {
    const auto it = credentials.find(registry);
    if (it == credentials.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

}  // namespace berth::agent
