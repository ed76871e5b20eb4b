// A joined gateway's (`berth serve --join`) awslogs pipeline, as the serving gateway's: a log
// store of its own (DATA-DIR/cloudwatch-logs, bounded by BERTH_LOGS_MAX_BYTES), the log ingester
// feeding it from the shims' files (the tasks and their definitions come from the mirrored desired
// state in its berth.db; its progress reports are what a blocking awslogs container's shim waits
// for and what a non-blocking one's counts its drops against), and, when BERTH_LOGS_FORWARD_URL is
// set, the forwarder shipping the store to the central endpoint. The serving gateway still reads
// a joined gateway's container logs from the shims' files. Thread-safety: open(), start() and
// stop() from one thread.
#pragma once

#include <memory>
#include <string>

#include "agent/log_ingester.hpp"
#include "cli/log_forwarding.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "store/log_store.hpp"
#include "store/store.hpp"

namespace berth::cli {

class JoinedGatewayLogs {
 public:
  // Errors: the forwarding key's (BERTH_LOGS_FORWARD_URL set), the log store's.
  [[nodiscard]] static Result<std::unique_ptr<JoinedGatewayLogs>> open(const Config& config);
  ~JoinedGatewayLogs();
  JoinedGatewayLogs(const JoinedGatewayLogs&) = delete;
  JoinedGatewayLogs& operator=(const JoinedGatewayLogs&) = delete;

  // Starts the ingester for the tasks of `cluster` (known once the gateway is registered) in
  // `state`, then the forwarder if any. An ingester that cannot start (no inotify) is logged.
  void start(const std::string& cluster, store::Store& state);
  // The forwarder, then the ingester (a last flush of the store). Idempotent.
  void stop();

 private:
  explicit JoinedGatewayLogs(const Config& config);

  const Config m_config;
  SystemClock m_clock;
  std::unique_ptr<store::LogStore> m_store;  // set by open()
  std::unique_ptr<LogForwarding> m_forwarding;  // BERTH_LOGS_FORWARD_URL only
  std::unique_ptr<agent::LogIngester> m_ingester;  // made by start()
};

}  // namespace berth::cli
