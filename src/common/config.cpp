#include "common/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth {
namespace {

constexpr std::size_t k_max_path = 4096;
// sockaddr_un's sun_path holds 108 bytes with the terminating NUL.
constexpr std::size_t k_max_socket_path = 107;
constexpr std::size_t k_max_attribute_value = 128;  // ECS's limit on an attribute value
constexpr std::size_t k_max_insecure_registries = 100;
constexpr std::size_t k_max_registry_host = 255;
constexpr std::size_t k_max_gpu_devices = 64;
// Raft's majority grows with the servers and every write waits for it: 3 or 5 is the usual size.
constexpr std::size_t k_max_peers = 9;
// Every request body is held in memory whole: a gateway's RAM bounds it.
constexpr std::size_t k_max_body_bytes = 64 << 20;
constexpr long long k_max_cpu_units = 1 << 20;  // 1024 cores
constexpr long long k_max_memory_mib = 1 << 24;  // 16 TiB
// ECS's own upper bound for restartAttemptPeriod; 0 (below ECS's 60) lets tests restart at once.
constexpr int k_max_restart_attempt_period_s = 1800;

std::string trim_line(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::string unquote(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

using Text = const std::string&;

// The error for a bad value: names the key and what it takes.
std::unexpected<Error> refuse(Text key, std::string_view what_it_takes) {
  return fail(Code::invalid_parameter, key + " must be " + std::string(what_it_takes));
}

// Stores a parsed value in `field`, or passes the parser's error on.
template <class Field, class T>
Result<void> set(Field& field, Result<T> parsed) {
  if (!parsed) return std::unexpected(parsed.error());
  field = std::move(*parsed);
  return {};
}

// `value` as a whole number in [low, high]; else an error naming the key, the unit and the range.
template <class T>
Result<T> number_in(Text key, Text value, T low, T high, std::string_view unit) {
  if (const auto n = parse_integer_in<T>(value, low, high)) return *n;
  return refuse(key, "a whole number of " + std::string(unit) + ", " + std::to_string(low) + " to " + std::to_string(high));
}

// `value` as one of `choices`; else an error listing them ("a, b or c").
Result<std::string> one_of(Text key, Text value, std::initializer_list<std::string_view> choices,
                           std::string_view label = "") {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string list;
  std::size_t index = 0;
  for (const auto choice : choices) {
    list += (index == 0 ? "" : index + 1 == choices.size() ? " or " : ", ") + std::string(choice);
    ++index;
  }
  return refuse(key, (label.empty() ? "" : std::string(label) + " ") + list);
}

Result<std::string> path(Text key, Text value, std::size_t max = k_max_path) {
  if (value.empty() || value.size() > max) return refuse(key, "a path of 1 to " + std::to_string(max) + " characters");
  return value;
}

// A path, or empty for "none".
Result<std::string> path_or_empty(Text key, Text value, std::string_view empty_means,
                                  std::size_t max = k_max_path) {
  if (value.size() > max) {
    return refuse(key, "a path of at most " + std::to_string(max) + " characters, or empty for " + std::string(empty_means));
  }
  return value;
}

// Another berth's (or endpoint's) URL: https://HOST:PORT, or http:// to a loopback address (a
// berth's TLS is off on loopback by default), nothing after the port. `whose` says whose in the
// error.
Result<std::string> endpoint_url(Text key, Text value, std::string_view whose) {
  const auto what = "https://HOST:PORT of " + std::string(whose) + " (http:// only to 127.0.0.1 or [::1]), or empty";
  if (value.empty()) return value;
  if (value.size() > 512) return refuse(key, what);
  std::string_view rest;
  if (value.starts_with("https://")) rest = std::string_view(value).substr(8);
  else if (value.starts_with("http://127.0.0.1:") || value.starts_with("http://[::1]:")) rest = std::string_view(value).substr(7);
  else return refuse(key, what);
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return refuse(key, what);
  return value.substr(0, value.find_last_not_of('/') + 1);
}

// A comma-separated list of endpoint_url()s (at most 16: the servers of a replicated control plane,
// in the order a joined agent tries them), kept as a list without spaces.
Result<std::string> endpoint_urls(Text key, Text value, std::string_view whose) {
  const auto parts = split(value, ',');
  if (value.empty()) return value;
  if (parts.size() > 16) return refuse(key, "at most 16 URLs of " + std::string(whose) + ", comma-separated");
  std::string out;
  for (const auto part : parts) {
    BERTH_ASSIGN(const std::string url, endpoint_url(key, std::string(trim(part)), whose));
    if (url.empty()) return refuse(key, "URLs of " + std::string(whose) + ", comma-separated, none empty");
    out += (out.empty() ? "" : ",") + url;
  }
  return out;
}

// A join token as `berth join-token create` prints it.
Result<std::string> join_token(Text key, Text value) {
  if (value.empty()) return value;
  if (!value.starts_with("bjt-") || value.size() > 128 ||
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 4) != std::string::npos) {
    return refuse(key, "a token from `berth join-token create` (bjt-...)");
  }
  return value;
}

// A SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons; kept as lower-case
// hex without colons.
Result<std::string> fingerprint(Text key, Text value) {
  std::string hex;
  for (const char c : value) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return refuse(key, "a SHA-256 fingerprint of 64 hex digits (colons allowed)");
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!hex.empty() && hex.size() != 64) return refuse(key, "a SHA-256 fingerprint of 64 hex digits (colons allowed)");
  return hex;
}

// One fingerprint(), or one per server of BERTH_JOIN, comma-separated; kept as their hex, comma-separated.
Result<std::string> fingerprints(Text key, Text value) {
  std::string out;
  for (const auto part : split(value, ',')) {
    BERTH_ASSIGN(const std::string hex, fingerprint(key, std::string(trim(part))));
    if (hex.empty() && value.find(',') != std::string::npos) return refuse(key, "SHA-256 fingerprints, comma-separated, none empty");
    out += (out.empty() ? "" : ",") + hex;
  }
  return out;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// HOST:PORT (an IPv6 host in brackets), port 0 (any free one) to 65535; or "" for no listener.
Result<std::string> listen_address(Text key, Text value) {
  if (value.empty()) return value;
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || !parse_integer_in<int>(std::string_view(value).substr(colon + 1), 0, 65535)) {
    return refuse(key, "HOST:PORT with a port of 0 to 65535, or empty for no TCP listener");
  }
  return value;
}

// An ECS attribute value: 1 to 128 printable characters.
Result<std::string> attribute_value(Text key, Text value) {
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (value.empty() || value.size() > k_max_attribute_value || !printable) {
    return refuse(key, "1 to 128 printable characters");
  }
  return value;
}

Result<std::string> interface_name(Text key, Text value) {
  const bool valid = !value.empty() && value.size() <= 15 && std::all_of(value.begin(), value.end(), [](char c) {
    return is_name_char(c) || c == '.';
  });
  if (!valid) return refuse(key, "an interface name (1-15 of a-z 0-9 - _ .)");
  return value;
}

// An absolute cgroup path below the root: "/" then names of a-z 0-9 - _ . (not "." or "..")
// joined by "/"; not "/berth-shims", where the monitors live.
Result<std::string> cgroup_parent(Text key, Text value) {
  const auto bad = [&] { return refuse(key, "a cgroup path such as /berth (names of a-z 0-9 - _ . under /, at most 128 characters)"); };
  if (value.size() < 2 || value.size() > 128 || value.front() != '/' || value.back() == '/') return bad();
  for (const auto name : split(std::string_view(value).substr(1), '/')) {
    if (name.empty() || name == "." || name == ".." ||
        !std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c) || c == '.'; })) {
      return bad();
    }
  }
  if (value == "/berth-shims") return refuse(key, "a cgroup other than /berth-shims, which holds the containers' monitors");
  return value;
}

// A.B.C.D/PREFIX with a prefix of 8 to 30 (room for the gateway and tasks).
// Four dot-separated numbers of 0 to 255.
bool is_dotted_quad(std::string_view address) {
  for (int part = 0; part < 4; ++part) {
    const auto dot = part < 3 ? address.find('.') : address.size();
    if (dot == std::string_view::npos || !parse_integer_in<int>(address.substr(0, dot), 0, 255)) return false;
    address.remove_prefix(std::min(address.size(), dot + 1));
  }
  return true;
}

Result<std::string> ipv4_subnet(Text key, Text value) {
  const auto slash = value.find('/');
  if (slash == std::string::npos || !parse_integer_in<int>(std::string_view(value).substr(slash + 1), 8, 30) ||
      !is_dotted_quad(std::string_view(value).substr(0, slash))) {
    return refuse(key, "an IPv4 subnet such as 172.31.0.0/16 (prefix 8 to 30)");
  }
  return value;
}

// An IPv4 address such as 192.168.1.20, or empty.
Result<std::string> ipv4_or_empty(Text key, Text value) {
  if (!value.empty() && !is_dotted_quad(value)) return refuse(key, "an IPv4 address such as 192.168.1.20, or empty");
  return value;
}

// A dqlite node's address: IPV4:PORT, port 1 to 65535 (dqlite 1.11's transport takes IPv4 only).
Result<std::string> peer_address(Text key, Text value) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || !is_dotted_quad(std::string_view(value).substr(0, colon)) ||
      !parse_integer_in<int>(std::string_view(value).substr(colon + 1), 1, 65535)) {
    return refuse(key, "IPV4:PORT, such as 192.168.1.20:51680 (port 1 to 65535; dqlite takes IPv4 only)");
  }
  return value;
}

// The control plane's servers: comma-separated IPV4:PORT, blanks around items skipped, each once,
// at most k_max_peers; empty for none (SQLite on a file).
Result<std::vector<std::string>> peer_list(Text key, Text value) {
  std::vector<std::string> peers;
  for (const auto part : split(value, ',')) {
    const std::string item = trim_line(std::string(part));
    if (item.empty()) continue;
    BERTH_ASSIGN(auto address, peer_address(key, item));
    if (std::ranges::find(peers, address) != peers.end()) return refuse(key, "a list naming each server once (" + address + " twice)");
    peers.push_back(std::move(address));
  }
  if (peers.size() > k_max_peers) return refuse(key, "a list of at most " + std::to_string(k_max_peers) + " servers");
  return peers;
}

// Comma-separated registry hosts (HOST[:PORT]); blanks around items and empty items skipped.
Result<std::vector<std::string>> registry_list(Text key, Text value) {
  std::vector<std::string> hosts;
  for (std::size_t start = 0; start <= value.size();) {
    const auto comma = std::min(value.find(',', start), value.size());
    const std::string item = trim_line(value.substr(start, comma - start));
    if (item.size() > k_max_registry_host) return refuse(key, "registry hosts of at most 255 characters each");
    if (!item.empty()) hosts.push_back(item);
    start = comma + 1;
  }
  if (hosts.size() > k_max_insecure_registries) return refuse(key, "a list of at most 100 registry hosts");
  return hosts;
}

// Comma-separated absolute paths of device nodes (whether they are is the agent's check).
Result<std::vector<std::string>> device_list(Text key, Text value) {
  std::vector<std::string> devices;
  for (const auto part : split(value, ',')) {
    const std::string item = trim_line(std::string(part));
    if (item.empty()) continue;
    if (!item.starts_with('/') || item.size() > k_max_path) return refuse(key, "absolute paths of device nodes, comma-separated");
    devices.push_back(item);
  }
  if (devices.size() > k_max_gpu_devices) return refuse(key, "a list of at most 64 device nodes");
  return devices;
}

Result<LogLevel> log_level(Text key, Text value) {
  BERTH_ASSIGN(const auto name, one_of(key, value, {"debug", "info", "warn", "error"}, "a log level:"));
  if (name == "debug") return LogLevel::debug;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  return LogLevel::info;
}

Result<void> set_region(Config& c, Text k, Text v) {
  if (v.empty() || v.size() > 64 || !std::all_of(v.begin(), v.end(), is_name_char)) {
    return refuse(k, "1 to 64 of a-z A-Z 0-9 - _ (it is part of every ARN)");
  }
  c.region = v;
  return {};
}

Result<void> set_account(Config& c, Text k, Text v) {
  if (v.size() != 12 || !parse_integer<unsigned long long>(v)) return refuse(k, "12 digits, as an AWS account id");
  c.account = v;
  return {};
}

Result<void> set_auth(Config& c, Text k, Text v) {
  BERTH_ASSIGN(const auto mode, one_of(k, v, {"sigv4", "off"}));
  c.tcp_auth = mode == "sigv4";
  return {};
}

struct KeyRule {
  std::string_view key;
  Result<void> (*apply)(Config& config, Text key, Text value);
};

// Every key berth reads itself (ECS_CLUSTER and ECS_DATADIR are ECS's names for two of them).
const KeyRule k_rules[] = {
    {"ECS_CLUSTER", [](Config& c, Text, Text v) { return set(c.cluster, Result<std::string>(v)); }},
    {"ECS_DATADIR", [](Config& c, Text k, Text v) { return set(c.data_dir, path(k, v)); }},
    {"BERTH_DATA_DIR", [](Config& c, Text k, Text v) { return set(c.data_dir, path(k, v)); }},
    {"BERTH_RUN_DIR", [](Config& c, Text k, Text v) { return set(c.run_dir, path(k, v)); }},
    {"BERTH_REGION", set_region},
    {"BERTH_ACCOUNT_ID", set_account},
    {"BERTH_LISTEN", [](Config& c, Text k, Text v) { return set(c.listen, listen_address(k, v)); }},
    {"BERTH_SOCKET",
     [](Config& c, Text k, Text v) { return set(c.socket_path, path_or_empty(k, v, "no unix socket", k_max_socket_path)); }},
    {"BERTH_LOG_LEVEL", [](Config& c, Text k, Text v) { return set(c.log_level, log_level(k, v)); }},
    {"BERTH_AUTH", set_auth},
    {"BERTH_TLS", [](Config& c, Text k, Text v) { return set(c.tls_mode, one_of(k, v, {"auto", "on", "off"})); }},
    {"BERTH_TLS_CERT",
     [](Config& c, Text k, Text v) { return set(c.tls_cert, path_or_empty(k, v, "a generated certificate")); }},
    {"BERTH_TLS_KEY",
     [](Config& c, Text k, Text v) { return set(c.tls_key, path_or_empty(k, v, "a generated certificate")); }},
    {"BERTH_MAX_BODY_BYTES",
     [](Config& c, Text k, Text v) {
       return set(c.max_body_bytes, number_in<std::size_t>(k, v, 1024, k_max_body_bytes, "bytes"));
     }},
    {"BERTH_METADATA_PORT",
     [](Config& c, Text k, Text v) -> Result<void> {
       const auto port = parse_integer_in<int>(v, 0, 65535);
       if (!port) return refuse(k, "a port, 0 to 65535 (0 = no task metadata endpoint)");
       c.metadata_port = *port;
       return {};
     }},
    {"BERTH_DNS_LISTEN",
     [](Config& c, Text k, Text v) -> Result<void> {
       const auto colon = v.rfind(':');
       bool address_and_port = colon != std::string_view::npos &&
                               parse_integer_in<int>(v.substr(colon + 1), 0, 65535).has_value();
       if (address_and_port) {
         const auto octets = split(std::string_view(v).substr(0, colon), '.');
         address_and_port = octets.size() == 4 && std::ranges::all_of(octets, [](std::string_view octet) {
           return parse_integer_in<int>(octet, 0, 255).has_value();
         });
       }
       if (v != "off" && !address_and_port) return refuse(k, "off, or IPV4:PORT (unset: the bridge's gateway, port 53)");
       c.dns_listen = std::string(v);
       return {};
     }},
    {"BERTH_SECRETS_KEY_FILE", [](Config& c, Text k, Text v) { return set(c.secrets_key_file, path(k, v)); }},
    {"BERTH_TASK_SETTLE_SECONDS",
     [](Config& c, Text k, Text v) { return set(c.task_settle_seconds, number_in<int>(k, v, 0, 86'400, "seconds")); }},
    {"BERTH_ZONEINFO_DIR", [](Config& c, Text k, Text v) { return set(c.zoneinfo_dir, path(k, v)); }},
    {"BERTH_INSTANCE_LOST_SECONDS",
     [](Config& c, Text k, Text v) { return set(c.instance_lost_seconds, number_in<int>(k, v, 1, 86'400, "seconds")); }},
    {"BERTH_POLL_WAIT_SECONDS",
     [](Config& c, Text k, Text v) { return set(c.poll_wait_seconds, number_in<int>(k, v, 0, 300, "seconds")); }},
    {"BERTH_MAX_POLL_WAITERS",
     [](Config& c, Text k, Text v) { return set(c.max_poll_waiters, number_in<int>(k, v, 0, 65536, "polls")); }},
    {"BERTH_JOIN", [](Config& c, Text k, Text v) { return set(c.join_url, endpoint_urls(k, v, "the serving gateway")); }},
    {"BERTH_JOIN_TOKEN", [](Config& c, Text k, Text v) { return set(c.join_token, join_token(k, v)); }},
    {"BERTH_JOIN_CA", [](Config& c, Text k, Text v) { return set(c.join_ca_file, path_or_empty(k, v, "no CA file")); }},
    {"BERTH_JOIN_FINGERPRINT", [](Config& c, Text k, Text v) { return set(c.join_fingerprint, fingerprints(k, v)); }},
    {"BERTH_PEERS", [](Config& c, Text k, Text v) { return set(c.peers, peer_list(k, v)); }},
    {"BERTH_PEER_ADDRESS",
     [](Config& c, Text k, Text v) { return set(c.peer_address, v.empty() ? Result<std::string>(v) : peer_address(k, v)); }},
    {"BERTH_CPU_UNITS",
     [](Config& c, Text k, Text v) { return set(c.cpu_units, number_in<long long>(k, v, 0, k_max_cpu_units, "CPU units")); }},
    {"BERTH_MEMORY_MIB",
     [](Config& c, Text k, Text v) { return set(c.memory_mib, number_in<long long>(k, v, 0, k_max_memory_mib, "MiB")); }},
    {"BERTH_INSTANCE_TYPE", [](Config& c, Text k, Text v) { return set(c.instance_type, attribute_value(k, v)); }},
    {"BERTH_AVAILABILITY_ZONE", [](Config& c, Text k, Text v) { return set(c.availability_zone, attribute_value(k, v)); }},
    {"BERTH_INSTANCE_ADDRESS", [](Config& c, Text k, Text v) { return set(c.instance_address, ipv4_or_empty(k, v)); }},
    {"BERTH_CNI_PATH", [](Config& c, Text k, Text v) { return set(c.cni_path, path(k, v)); }},
    {"BERTH_CGROUP_PARENT", [](Config& c, Text k, Text v) { return set(c.cgroup_parent, cgroup_parent(k, v)); }},
    {"BERTH_BRIDGE_NAME", [](Config& c, Text k, Text v) { return set(c.bridge_name, interface_name(k, v)); }},
    {"BERTH_BRIDGE_SUBNET", [](Config& c, Text k, Text v) { return set(c.bridge_subnet, ipv4_subnet(k, v)); }},
    {"BERTH_INSECURE_REGISTRIES",
     [](Config& c, Text k, Text v) { return set(c.insecure_registries, registry_list(k, v)); }},
    {"BERTH_REGISTRY_CA_FILE",
     [](Config& c, Text k, Text v) { return set(c.registry_ca_file, path_or_empty(k, v, "the system's CAs only")); }},
    {"BERTH_RESTART_ATTEMPT_PERIOD_SECONDS",
     [](Config& c, Text k, Text v) {
       return set(c.restart_attempt_period_s, number_in<int>(k, v, 0, k_max_restart_attempt_period_s, "seconds"));
     }},
    {"BERTH_GPU_DEVICES", [](Config& c, Text k, Text v) { return set(c.gpu_devices, device_list(k, v)); }},
    {"BERTH_METRICS_INTERVAL",
     [](Config& c, Text k, Text v) { return set(c.metrics_interval_seconds, number_in<int>(k, v, 0, 3600, "seconds")); }},
    {"BERTH_METRICS_RESOLUTION",
     [](Config& c, Text k, Text v) { return set(c.metrics_resolution_seconds, number_in<int>(k, v, 1, 3600, "seconds")); }},
    {"BERTH_METRICS_RETENTION",
     [](Config& c, Text k, Text v) { return set(c.metrics_retention_hours, number_in<int>(k, v, 1, 168, "hours")); }},
    {"BERTH_LOGS_MAX_BYTES",
     [](Config& c, Text k, Text v) {
       return set(c.logs_max_bytes, number_in<std::uint64_t>(k, v, 64 * 1024, std::uint64_t{1} << 40, "bytes"));
     }},
    {"BERTH_LOGS_FORWARD_URL",
     [](Config& c, Text k, Text v) { return set(c.logs_forward_url, endpoint_url(k, v, "the central CloudWatch Logs endpoint")); }},
    {"BERTH_LOGS_FORWARD_KEY_FILE",
     [](Config& c, Text k, Text v) { return set(c.logs_forward_key_file, path_or_empty(k, v, "no key (no forwarding)")); }},
    {"BERTH_LOGS_FORWARD_CA",
     [](Config& c, Text k, Text v) { return set(c.logs_forward_ca_file, path_or_empty(k, v, "the system's CAs")); }},
    {"BERTH_LOGS_FORWARD_FINGERPRINT",
     [](Config& c, Text k, Text v) { return set(c.logs_forward_fingerprint, fingerprint(k, v)); }},
    {"BERTH_JOURNALD_SOCKET", [](Config& c, Text k, Text v) { return set(c.journald_socket, path(k, v)); }},
    {"BERTH_METRICS_MAX_SERIES",
     [](Config& c, Text k, Text v) { return set(c.metrics_max_series, number_in<int>(k, v, 1, 100'000, "series")); }},
};

}  // namespace

Result<std::map<std::string, std::string>> parse_config_text(const std::string& text) {
  std::map<std::string, std::string> keys;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string stripped = trim_line(line);
    if (stripped.empty() || stripped.front() == '#') continue;
    const auto eq = stripped.find('=');
    const std::string key = eq == std::string::npos ? "" : trim_line(stripped.substr(0, eq));
    if (key.empty()) {
      return fail(Code::invalid_parameter,
                  "line " + std::to_string(number) + ": expected KEY=VALUE, got '" + stripped + "'");
    }
    keys[key] = unquote(trim_line(stripped.substr(eq + 1)));
  }
  return keys;
}

Result<std::string> check_gateway_url(const std::string& name, const std::string& value) {
  return endpoint_url(name, value, "the gateway");
}

Result<std::string> check_fingerprint(const std::string& name, const std::string& value) { return fingerprint(name, value); }

Result<std::string> check_peer_address(const std::string& name, const std::string& value) { return peer_address(name, value); }

Result<void> apply_config(Config& config, const std::map<std::string, std::string>& keys) {
  for (const auto& [key, value] : keys) {
    config.raw[key] = value;
    const auto rule = std::find_if(std::begin(k_rules), std::end(k_rules), [&](const KeyRule& r) { return r.key == key; });
    if (rule != std::end(k_rules)) {
      BERTH_TRY(rule->apply(config, key, value));
    } else if (key.starts_with("BERTH_")) {
      // Warned about, not refused: a gateway rolled back to an older berth keeps its newer
      // config file, and must still start.
      config.unknown_keys.push_back(key);
    }
  }
  if (config.cluster.empty()) return fail(Code::invalid_parameter, "ECS_CLUSTER must not be empty");
  return {};
}

Result<void> load_config_file(Config& config, const std::string& path, MissingFile missing) {
  std::ifstream file(path);
  if (!file) {
    if (errno == ENOENT && missing == MissingFile::ok) return {};
    return fail(Code::invalid_parameter, "cannot read config file " + path, errno);
  }
  std::stringstream text;
  text << file.rdbuf();
  auto keys = parse_config_text(text.str());
  if (!keys) return std::unexpected(keys.error().wrap(path));
  auto applied = apply_config(config, *keys);
  if (!applied) return std::unexpected(applied.error().wrap(path));
  return {};
}

}  // namespace berth
