#include "model/schedule_retry.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace schedule_retry_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

TEST_CASE("retry_policy_of: Scheduler's defaults and ranges", "[model][schedules]") {
  auto defaults = retry_policy_of(Json::object());
  REQUIRE(defaults.has_value());
  CHECK(defaults->maximum_event_age_seconds == 86400);
  CHECK(defaults->maximum_retry_attempts == 185);
  CHECK(retry_policy_to_json(*defaults).dump() == R"({"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185})");

  auto partial = retry_policy_of(Json{{"RetryPolicy", {{"MaximumRetryAttempts", 0}}}});
  REQUIRE(partial.has_value());
  CHECK(partial->maximum_retry_attempts == 0);
  CHECK(partial->maximum_event_age_seconds == 86400);

  check_error(retry_policy_of(Json{{"RetryPolicy", {{"MaximumEventAgeInSeconds", 59}}}}), Code::validation,
              "Target.RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400.");
  check_error(retry_policy_of(Json{{"RetryPolicy", {{"MaximumEventAgeInSeconds", 86401}}}}), Code::validation,
              "Target.RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400.");
  check_error(retry_policy_of(Json{{"RetryPolicy", {{"MaximumRetryAttempts", 186}}}}), Code::validation,
              "Target.RetryPolicy.MaximumRetryAttempts must be 0 to 185.");
  check_error(retry_policy_of(Json{{"RetryPolicy", {{"MaximumRetryAttempts", "3"}}}}), Code::validation,
              "Target.RetryPolicy.MaximumRetryAttempts must be 0 to 185.");
  check_error(retry_policy_of(Json{{"RetryPolicy", "often"}}), Code::validation, "Target.RetryPolicy must be an object.");
}

TEST_CASE("retry_delay_seconds: doubling from a second, capped at five minutes", "[model][schedules]") {
  CHECK(retry_delay_seconds(0) == 1);
  CHECK(retry_delay_seconds(1) == 1);
  CHECK(retry_delay_seconds(2) == 2);
  CHECK(retry_delay_seconds(5) == 16);
  CHECK(retry_delay_seconds(9) == 256);
  CHECK(retry_delay_seconds(10) == 300);
  CHECK(retry_delay_seconds(185) == 300);
}

TEST_CASE("next_retry: until the attempts are used up or the run is too old", "[model][schedules]") {
  const std::int64_t scheduled = 1000;
  auto first = next_retry(RetryPolicy{}, scheduled, 0, scheduled);
  REQUIRE(first);
  CHECK(first->number == 1);
  CHECK(first->at == scheduled + 1);
  CHECK(first->scheduled_time == scheduled);

  // Attempts: with two allowed, the third failure ends it.
  const RetryPolicy two{86400, 2};
  CHECK(next_retry(two, scheduled, 1, 1001)->number == 2);
  CHECK(!next_retry(two, scheduled, 2, 1003));
  CHECK(!next_retry(RetryPolicy{86400, 0}, scheduled, 0, scheduled));

  // Age: with 60 s, retries at +1, +3, +7, +15, +31; the sixth would come at +63.
  const RetryPolicy minute{60, 185};
  std::int64_t now = scheduled;
  int made = 0;
  while (auto retry = next_retry(minute, scheduled, made, now)) {
    now = retry->at;
    made = retry->number;
  }
  CHECK(made == 5);
  CHECK(now == scheduled + 31);

  // The defaults allow 185 retries when each fails at once: 511 s for the first nine, then 5 minutes each.
  now = scheduled;
  made = 0;
  while (auto retry = next_retry(RetryPolicy{}, scheduled, made, now)) {
    now = retry->at;
    made = retry->number;
  }
  CHECK(made == 185);
  CHECK(now == scheduled + 511 + 176 * 300);
}

TEST_CASE("pending retry records round-trip; a broken one is none", "[model][schedules]") {
  const PendingRetry retry{1000, 3, 1007};
  const auto back = pending_retry_from_record(pending_retry_to_record(retry));
  REQUIRE(back);
  CHECK(back->scheduled_time == 1000);
  CHECK(back->number == 3);
  CHECK(back->at == 1007);
  CHECK(pending_retry_to_record(std::nullopt).is_null());
  CHECK(!pending_retry_from_record(Json()));
  CHECK(!pending_retry_from_record(Json{{"at", "soon"}}));
}

}  // namespace schedule_retry_test
