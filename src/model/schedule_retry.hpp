// EventBridge Scheduler's RetryPolicy for a schedule's target: how long and how often a run
// whose RunTask failed is attempted again. Pure (times are parameters); thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// Scheduler's defaults, which GetSchedule returns when the schedule gave none.
struct RetryPolicy {
  std::int64_t maximum_event_age_seconds = 86400;  // 60 to 86400
  int maximum_retry_attempts = 185;                 // 0 to 185
};

// A failed run waiting for its next attempt.
struct PendingRetry {
  std::int64_t scheduled_time = 0;  // epoch seconds: the run's, from which its age counts
  int number = 0;                   // of the retry due at `at`: 1 for the first
  std::int64_t at = 0;              // epoch seconds of the next attempt
};

// The policy of a shape-checked Target (members absent take the defaults). ValidationException
// for a member out of Scheduler's range.
[[nodiscard]] Result<RetryPolicy> retry_policy_of(const Json& target);
Json retry_policy_to_json(const RetryPolicy& policy);

// The wait before retry number `retry` (1 for the first): exponential backoff from one second,
// doubling, at most five minutes, so a gateway that lacks room now is tried again soon and a
// long outage costs few attempts.
std::int64_t retry_delay_seconds(int retry);

// After an attempt of the run scheduled at `scheduled_time` failed at `now`, with `retries_made`
// retries made before it: the next retry, or nothing when the policy's attempts are used up or
// the next one would come after the run's maximum age.
std::optional<PendingRetry> next_retry(const RetryPolicy& policy, std::int64_t scheduled_time, int retries_made,
                                       std::int64_t now);

Json pending_retry_to_record(const std::optional<PendingRetry>& retry);
std::optional<PendingRetry> pending_retry_from_record(const Json& record);

}  // namespace berth::model
