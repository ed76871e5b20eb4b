// BERTH_LOGS_FORWARD_URL's parts, as `berth serve` and `berth serve --join` both run them: the key
// read from BERTH_LOGS_FORWARD_KEY_FILE, the endpoint's client (its certificate checked as for
// BERTH_JOIN) and the forwarder thread shipping a log store to it. Thread-safety: start() and
// stop() from one thread.
#pragma once

#include <optional>

#include "agent/log_forwarder.hpp"
#include "api/auth/sigv4_signer.hpp"
#include "cli/logs_endpoint_client.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "store/log_store.hpp"

namespace berth::cli {

// The forwarding key when BERTH_LOGS_FORWARD_URL is set (nothing when it is not). Errors: the URL
// without BERTH_LOGS_FORWARD_KEY_FILE, or a file that does not hold a key.
[[nodiscard]] Result<std::optional<api::auth::SigningCredentials>> read_log_forward_key(const Config& config);

class LogForwarding {
 public:
  // Ships `logs` to config.logs_forward_url with `key`; the cursors in DATA-DIR.
  LogForwarding(const Config& config, const api::auth::SigningCredentials& key, store::LogStore& logs, const Clock& clock);
  void start() { m_forwarder.start(); }
  // After the call under way (10 s at most). Idempotent.
  void stop() { m_forwarder.stop(); }

 private:
  LogsEndpointClient m_endpoint;
  agent::LogForwarder m_forwarder;  // after the endpoint it calls
};

}  // namespace berth::cli
