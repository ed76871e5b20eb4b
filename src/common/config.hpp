// Configuration: ecs.config-style KEY=VALUE files (ECS key names where ECS has one, BERTH_* for
// berth's own), overridden by flags. Plain values; built once in main, then read-only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth {

struct Config {
  std::string cluster = "default";                 // ECS_CLUSTER
  std::string region = "local";                    // BERTH_REGION (ARNs)
  std::string account = "000000000000";            // BERTH_ACCOUNT_ID (ARNs)
  std::string data_dir = "/var/lib/berth";         // ECS_DATADIR / --data-dir
  std::string run_dir = "/run/berth";              // BERTH_RUN_DIR / --run-dir
  std::string listen = "127.0.0.1:51678";          // BERTH_LISTEN / --listen ("" = no TCP)
  std::string socket_path = "/run/berth/berth.sock";  // BERTH_SOCKET / --socket ("" = none)
  std::size_t max_body_bytes = 1 << 20;            // BERTH_MAX_BODY_BYTES
  std::string log_level = "info";                  // BERTH_LOG_LEVEL
  // TLS on the TCP listener: "auto" (on iff it listens beyond loopback), "on" or "off".
  std::string tls_mode = "auto";                   // BERTH_TLS / --tls
  std::string tls_cert;                            // BERTH_TLS_CERT / --tls-cert (PEM chain)
  std::string tls_key;                             // BERTH_TLS_KEY / --tls-key (PEM key)
  bool tcp_auth = true;                            // BERTH_AUTH: "sigv4" (default) or "off"

  // Every key as read, including ones later issues act on (ECS_RESERVED_MEMORY, ...).
  std::map<std::string, std::string> raw;

  // Returns the database file under data_dir.
  std::string db_path() const { return data_dir + "/berth.db"; }
  // Returns the directory of the generated TLS certificate and key.
  std::string tls_dir() const { return data_dir + "/tls"; }
  // Returns the AWS shared-credentials file the first start writes the admin key to.
  std::string credentials_path() const { return data_dir + "/credentials"; }
};

// One `KEY=VALUE` per line; `#` comments and blank lines skipped; optional surrounding quotes.
// Returns the keys, or InvalidParameter naming the first malformed line.
[[nodiscard]] Result<std::map<std::string, std::string>> parse_config_text(const std::string& text);

// Applies known keys onto `config` (validating numbers); unknown keys are kept in `raw` only.
[[nodiscard]] Result<void> apply_config(Config& config, const std::map<std::string, std::string>& keys);

enum class MissingFile { ok, error };

// Reads and applies the file at `path`. A missing file is fine when `missing` is ok (the
// default /etc/berth/berth.conf need not exist); an explicitly named one must.
[[nodiscard]] Result<void> load_config_file(Config& config, const std::string& path, MissingFile missing);

}  // namespace berth
