// The central CloudWatch-Logs-compatible endpoint the log forwarder ships to, as the agent layer
// sees it: four Logs actions, no HTTP or SigV4 (the composition root gives it
// cli/logs_endpoint_client over the network, unit tests a fake). Implementations are thread-safe.
//
// Errors: Code::server when the outcome is unknown or the endpoint asks to be called later (no
// connection, a timeout, 5xx, ThrottlingException, ServiceUnavailableException): the call is
// retried with backoff; Code::resource_not_found and Code::resource_already_exists as CloudWatch
// answers them; anything else the endpoint refused is Code::client or Code::invalid_parameter.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace berth::agent {

struct ForwardedEvent {
  EpochMs timestamp = 0;
  std::string message;
  bool operator==(const ForwardedEvent&) const = default;
};

// What PutLogEvents' rejectedLogEventsInfo said: events before `too_old_end` were too old (or
// past the central group's retention), those from `too_new_start` too new; they are not stored.
struct PutOutcome {
  std::size_t too_old_end = 0;
  std::size_t too_new_start = SIZE_MAX;
};

class LogsEndpoint {
 public:
  virtual ~LogsEndpoint() = default;
  [[nodiscard]] virtual Result<void> create_group(const std::string& group) = 0;
  [[nodiscard]] virtual Result<void> create_stream(const std::string& group, const std::string& stream) = 0;
  // PutLogEvents. Precondition: `events` obey PutLogEvents' limits (log_forward_batch.hpp).
  [[nodiscard]] virtual Result<PutOutcome> put_events(const std::string& group, const std::string& stream,
                                                      const std::vector<ForwardedEvent>& events) = 0;
  // The stream's last `limit` events (GetLogEvents from the tail), oldest first.
  [[nodiscard]] virtual Result<std::vector<ForwardedEvent>> last_events(const std::string& group, const std::string& stream,
                                                                        std::size_t limit) = 0;
};

}  // namespace berth::agent
