#include "model/schedule_retry.hpp"

#include <algorithm>

namespace berth::model {

Result<RetryPolicy> retry_policy_of(const Json& target) {
  RetryPolicy policy;
  const Json given = target.value("RetryPolicy", Json::object());
  if (!given.is_object()) return fail(Code::validation, "Target.RetryPolicy must be an object.");
  if (const auto it = given.find("MaximumEventAgeInSeconds"); it != given.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 60 || it->get<std::int64_t>() > 86400) {
      return fail(Code::validation, "Target.RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400.");
    }
    policy.maximum_event_age_seconds = it->get<std::int64_t>();
  }
  if (const auto it = given.find("MaximumRetryAttempts"); it != given.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 185) {
      return fail(Code::validation, "Target.RetryPolicy.MaximumRetryAttempts must be 0 to 185.");
    }
    policy.maximum_retry_attempts = it->get<int>();
  }
  return policy;
}

Json retry_policy_to_json(const RetryPolicy& policy) {
  return {{"MaximumEventAgeInSeconds", policy.maximum_event_age_seconds},
          {"MaximumRetryAttempts", policy.maximum_retry_attempts}};
}

std::int64_t retry_delay_seconds(int retry) {
  constexpr std::int64_t k_max_delay = 300;
  if (retry <= 1) return 1;
  if (retry > 10) return k_max_delay;  // 2^9 is past the cap already
  return std::min<std::int64_t>(std::int64_t{1} << (retry - 1), k_max_delay);
}

std::optional<PendingRetry> next_retry(const RetryPolicy& policy, std::int64_t scheduled_time, int retries_made,
                                       std::int64_t now) {
  if (retries_made >= policy.maximum_retry_attempts) return std::nullopt;
  const std::int64_t at = now + retry_delay_seconds(retries_made + 1);
  if (at - scheduled_time > policy.maximum_event_age_seconds) return std::nullopt;
  return PendingRetry{scheduled_time, retries_made + 1, at};
}

Json pending_retry_to_record(const std::optional<PendingRetry>& retry) {
  if (!retry) return nullptr;
  return {{"scheduledTime", retry->scheduled_time}, {"number", retry->number}, {"at", retry->at}};
}

std::optional<PendingRetry> pending_retry_from_record(const Json& record) {
  if (!record.is_object() || !record.contains("at") || !record["at"].is_number_integer()) return std::nullopt;
  return PendingRetry{record.value("scheduledTime", std::int64_t{0}), record.value("number", 0),
                      record["at"].get<std::int64_t>()};
}

}  // namespace berth::model
