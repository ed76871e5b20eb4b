// Configuration: ecs.config-style KEY=VALUE files (ECS key names where ECS has one, BERTH_* for
// berth's own), overridden by flags. Every BERTH_* key is parsed and checked here, with an error
// naming the key and what it takes; the ECS agent's keys are kept in `raw` and read by the agent
// (agent/agent_config.cpp). Plain values; built once by the verb, then read-only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/result.hpp"

namespace berth {

struct Config {
  std::string cluster = "default";                 // ECS_CLUSTER
  std::string region = "local";                    // BERTH_REGION (ARNs)
  std::string account = "000000000000";            // BERTH_ACCOUNT_ID (ARNs)
  std::string data_dir = "/var/lib/berth";         // ECS_DATADIR or BERTH_DATA_DIR / --data-dir
  std::string run_dir = "/run/berth";              // BERTH_RUN_DIR / --run-dir
  std::string listen = "127.0.0.1:51678";          // BERTH_LISTEN / --listen ("" = no TCP)
  std::string socket_path = "/run/berth/berth.sock";  // BERTH_SOCKET / --socket ("" = none)
  std::size_t max_body_bytes = 1 << 20;            // BERTH_MAX_BODY_BYTES
  // The task metadata endpoint's port (the ECS agent's), on 127.0.0.1 and the bridge's gateway.
  int metadata_port = 51679;                       // BERTH_METADATA_PORT (0 = no endpoint)
  // berth's DNS for containers (Cloud Map names, the rest forwarded): "" = the bridge's gateway
  // address, port 53 (bridge containers then get it as their nameserver); "off"; or IPV4:PORT.
  std::string dns_listen;                          // BERTH_DNS_LISTEN
  LogLevel log_level = LogLevel::info;             // BERTH_LOG_LEVEL / --log-level
  // TLS on the TCP listener: "auto" (on iff it listens beyond loopback), "on" or "off".
  std::string tls_mode = "auto";                   // BERTH_TLS / --tls
  std::string tls_cert;                            // BERTH_TLS_CERT / --tls-cert (PEM chain)
  std::string tls_key;                             // BERTH_TLS_KEY / --tls-key (PEM key)
  bool tcp_auth = true;                            // BERTH_AUTH: "sigv4" (default) or "off"
  std::string secrets_key_file;                    // BERTH_SECRETS_KEY_FILE ("" = in data_dir)
  // How long a new service task without health checks runs before it counts as healthy.
  int task_settle_seconds = 10;                    // BERTH_TASK_SETTLE_SECONDS
  std::string zoneinfo_dir = "/usr/share/zoneinfo";  // BERTH_ZONEINFO_DIR (TZif files)
  // Clusters of gateways (the serving side): silence after which a remote instance is lost, the
  // longest a PollInstanceTasks waits for a change, and how many polls may wait at once.
  int instance_lost_seconds = 300;                 // BERTH_INSTANCE_LOST_SECONDS
  int poll_wait_seconds = 20;                      // BERTH_POLL_WAIT_SECONDS
  int max_poll_waiters = 4096;                     // BERTH_MAX_POLL_WAITERS
  // Clusters of gateways (the joining side): `berth serve` with a join URL runs only the agent,
  // as a container instance of the server's cluster. The token is spent once (the key it turns
  // into is kept in the data dir); the server's certificate is checked against the CA file or
  // the pinned SHA-256 fingerprint of its certificate (64 hex digits, colons allowed). With a
  // replicated control plane, the URLs of its servers, comma-separated (the agent fails over
  // between them in that order), and one fingerprint for all or one per server in the same order.
  std::string join_url;                            // BERTH_JOIN / --join (https://HOST:PORT[,...])
  std::string join_token;                          // BERTH_JOIN_TOKEN / --join-token
  std::string join_ca_file;                        // BERTH_JOIN_CA / --join-ca
  std::string join_fingerprint;                    // BERTH_JOIN_FINGERPRINT / --join-fingerprint (hex[,...])
  // The replicated control plane (issue 17; only a binary with the engine, berth-with-engine):
  // the servers' dqlite nodes (this one's included) and which of them is this server's own.
  std::vector<std::string> peers;                  // BERTH_PEERS / --peers (IPV4:PORT,...)
  std::string peer_address;                        // BERTH_PEER_ADDRESS / --peer-address (IPV4:PORT)
  // Container metrics, kept in memory only: how often the containers are read (0 = never), the
  // width of one slot of a metric series, how long a series reaches back, how many series.
  int metrics_interval_seconds = 10;               // BERTH_METRICS_INTERVAL
  int metrics_resolution_seconds = 60;             // BERTH_METRICS_RESOLUTION
  int metrics_retention_hours = 24;                // BERTH_METRICS_RETENTION
  int metrics_max_series = 128;                    // BERTH_METRICS_MAX_SERIES
  // CloudWatch Logs kept on the gateway (awslogs containers, PutLogEvents), all groups together;
  // past it the oldest events go.
  std::uint64_t logs_max_bytes = 64ull << 20;      // BERTH_LOGS_MAX_BYTES
  // Store-and-forward to a central CloudWatch-Logs-compatible endpoint (on when the URL is set):
  // the key is read from a file in the AWS shared-credentials format (as `berth key create`
  // prints it: aws_access_key_id, aws_secret_access_key, region), never from berth.conf itself;
  // the endpoint's certificate is checked as for BERTH_JOIN.
  std::string logs_forward_url;                    // BERTH_LOGS_FORWARD_URL (https://HOST:PORT)
  std::string logs_forward_key_file;               // BERTH_LOGS_FORWARD_KEY_FILE
  std::string logs_forward_ca_file;                // BERTH_LOGS_FORWARD_CA
  std::string logs_forward_fingerprint;            // BERTH_LOGS_FORWARD_FINGERPRINT
  std::string journald_socket = "/run/systemd/journal/socket";  // BERTH_JOURNALD_SOCKET (the journald log driver's)

  // The local agent's own keys (agent/agent_config.cpp applies them with the ECS agent's keys).
  long long cpu_units = 0;                         // BERTH_CPU_UNITS (0 = cores × 1024)
  long long memory_mib = 0;                        // BERTH_MEMORY_MIB (0 = MemTotal)
  std::string instance_type = "gateway";           // BERTH_INSTANCE_TYPE
  std::string availability_zone = "local";         // BERTH_AVAILABILITY_ZONE
  // The IPv4 address other gateways reach this one at ("" = a joined gateway finds the one it
  // reaches the server from; the serving gateway registers none).
  std::string instance_address;                    // BERTH_INSTANCE_ADDRESS
  // The cgroup each task's own cgroup goes under ("/berth/<task id>"): several berths on one
  // machine (gateways in a lab, tests) or a parent with limits of its own take another.
  std::string cgroup_parent = "/berth";            // BERTH_CGROUP_PARENT
  // The bridge network's settings; unset = the network's defaults.
  std::optional<std::string> cni_path;             // BERTH_CNI_PATH
  std::optional<std::string> bridge_name;          // BERTH_BRIDGE_NAME
  std::optional<std::string> bridge_subnet;        // BERTH_BRIDGE_SUBNET (IPv4 CIDR)
  std::vector<std::string> insecure_registries;    // BERTH_INSECURE_REGISTRIES (comma-separated)
  std::string registry_ca_file;                    // BERTH_REGISTRY_CA_FILE ("" = none)
  // Replaces every container restartPolicy's restartAttemptPeriod (tests and labs; unset = theirs).
  std::optional<int> restart_attempt_period_s;     // BERTH_RESTART_ATTEMPT_PERIOD_SECONDS
  // Device nodes the agent treats as its GPUs instead of /dev/nvidia<N> (tests and labs).
  std::vector<std::string> gpu_devices;            // BERTH_GPU_DEVICES (comma-separated)

  // Every key as read, including the ECS agent's (ECS_RESERVED_MEMORY, ...).
  std::map<std::string, std::string> raw;
  // BERTH_* keys this version does not know (a typo, or a newer berth's key): `serve` warns.
  std::vector<std::string> unknown_keys;

  // Returns the database file under data_dir.
  std::string db_path() const { return data_dir + "/berth.db"; }
  // Returns the directory of the generated TLS certificate and key.
  std::string tls_dir() const { return data_dir + "/tls"; }
  // Returns the AWS shared-credentials file the first start writes the admin key to.
  std::string credentials_path() const { return data_dir + "/credentials"; }
  // Returns the file of the key that seals secret values: BERTH_SECRETS_KEY_FILE, else beside
  // berth.db (never in it).
  std::string secrets_key_path() const { return secrets_key_file.empty() ? data_dir + "/secrets.key" : secrets_key_file; }
};

// One `KEY=VALUE` per line; `#` comments and blank lines skipped; optional surrounding quotes.
// Returns the keys, or InvalidParameter naming the first malformed line.
[[nodiscard]] Result<std::map<std::string, std::string>> parse_config_text(const std::string& text);

// Applies `keys` onto `config`: each BERTH_* key (and ECS_CLUSTER, ECS_DATADIR) is checked and
// set; other keys are kept in `raw` only. Returns InvalidParameter naming the first bad key and
// what it takes; an unknown BERTH_* key goes to `unknown_keys` (warned about at start).
[[nodiscard]] Result<void> apply_config(Config& config, const std::map<std::string, std::string>& keys);

// The checks BERTH_JOIN and BERTH_JOIN_FINGERPRINT get, for a flag that takes the same (`name`
// names it in the error): a gateway's API URL, https://HOST:PORT or http:// to loopback only,
// returned without a trailing '/'; a SHA-256 fingerprint, returned as 64 lower-case hex digits
// (or empty when `value` is).
[[nodiscard]] Result<std::string> check_gateway_url(const std::string& name, const std::string& value);
[[nodiscard]] Result<std::string> check_fingerprint(const std::string& name, const std::string& value);
// The check BERTH_PEER_ADDRESS gets: a dqlite node's IPV4:PORT (port 1 to 65535).
[[nodiscard]] Result<std::string> check_peer_address(const std::string& name, const std::string& value);

enum class MissingFile { ok, error };

// Reads and applies the file at `path`. A missing file is fine when `missing` is ok (the
// default /etc/berth/berth.conf need not exist); an explicitly named one must.
[[nodiscard]] Result<void> load_config_file(Config& config, const std::string& path, MissingFile missing);

}  // namespace berth
