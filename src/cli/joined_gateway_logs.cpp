#include "cli/joined_gateway_logs.hpp"

#include "cli/runc_paths.hpp"
#include "common/log.hpp"

namespace berth::cli {

Result<std::unique_ptr<JoinedGatewayLogs>> JoinedGatewayLogs::open(const Config& config) {
  BERTH_ASSIGN(const auto key, read_log_forward_key(config));
  std::unique_ptr<JoinedGatewayLogs> out(new JoinedGatewayLogs(config));
  BERTH_ASSIGN(out->m_store, store::LogStore::open({config.data_dir + "/cloudwatch-logs", config.logs_max_bytes, 0}, out->m_clock));
  if (key) out->m_forwarding = std::make_unique<LogForwarding>(config, *key, *out->m_store, out->m_clock);
  return out;
}

JoinedGatewayLogs::JoinedGatewayLogs(const Config& config) : m_config(config) {}

JoinedGatewayLogs::~JoinedGatewayLogs() { stop(); }

void JoinedGatewayLogs::start(const std::string& cluster, store::Store& state) {
  const auto paths = runc_paths(m_config);
  m_ingester = std::make_unique<agent::LogIngester>(
      agent::LogIngesterOptions{paths.log_root, paths.state_root, cluster, paths.log_files}, state, *m_store);
  if (auto ingesting = m_ingester->start(); !ingesting) {
    log_warn("awslogs containers' output is not stored: " + ingesting.error().message);
  }
  if (m_forwarding) m_forwarding->start();
}

void JoinedGatewayLogs::stop() {
  if (m_forwarding) m_forwarding->stop();
  if (m_ingester) m_ingester->stop();
}

}  // namespace berth::cli
