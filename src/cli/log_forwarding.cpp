#include "cli/log_forwarding.hpp"

#include "cli/aws_credentials.hpp"

namespace berth::cli {

Result<std::optional<api::auth::SigningCredentials>> read_log_forward_key(const Config& config) {
  if (config.logs_forward_url.empty()) return std::nullopt;
  if (config.logs_forward_key_file.empty()) {
    return fail(Code::invalid_parameter,
                "BERTH_LOGS_FORWARD_URL needs BERTH_LOGS_FORWARD_KEY_FILE: a file with the endpoint's access key, as `berth key "
                "create` prints it");
  }
  BERTH_ASSIGN(auto key, read_shared_credentials(config.logs_forward_key_file, config.region));
  return key;
}

LogForwarding::LogForwarding(const Config& config, const api::auth::SigningCredentials& key, store::LogStore& logs,
                             const Clock& clock)
    : m_endpoint(config.logs_forward_url, server_trust(config.logs_forward_fingerprint, config.logs_forward_ca_file), key, clock),
      m_forwarder({.cursor_path = config.data_dir + "/cloudwatch-logs-forward.json", .endpoint = config.logs_forward_url}, logs,
                  m_endpoint, clock) {}

}  // namespace berth::cli
