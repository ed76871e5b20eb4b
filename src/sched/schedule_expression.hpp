// Schedule expressions as EventBridge writes them: cron(Min Hour DoM Mon DoW Year) with
// `, - * ? / L W #`, rate(N unit) and at(yyyy-mm-ddThh:mm:ss), and the next time each fires.
// Times are whole seconds since the epoch, UTC. Pure; an expression is immutable once parsed.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "sched/time_zone.hpp"

namespace berth::sched {

struct CronFields {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;   // 1..31
  bool last_day_of_month = false;  // L
  int nearest_weekday_to = 0;      // nW (1..31); -1 = LW
  std::bitset<13> months;          // 1..12
  std::bitset<8> days_of_week;     // 1..7, 1 = Sunday
  int last_weekday_of_month = 0;   // nL: the last n-day (1..7) of the month
  int nth_weekday = 0;             // n#k: weekday n ...
  int nth_weekday_index = 0;       // ... the k-th (1..5) of the month
  bool day_of_month_any = false;   // DoM is '?': the day of week decides
  bool day_of_week_any = false;    // DoW is '?': the day of month decides
  std::bitset<230> years;          // 1970..2199
};

struct ScheduleExpression {
  enum class Kind { cron, rate, at } kind = Kind::cron;
  CronFields cron;
  std::int64_t rate_seconds = 0;   // rate
  std::int64_t at = 0;             // at: epoch seconds
};

// Parses `text`; InvalidParameterException (ValidationException in EventBridge) naming what is
// wrong, e.g. "cron: day-of-month and day-of-week cannot both be set; use ? for one".
[[nodiscard]] Result<ScheduleExpression> parse_schedule_expression(std::string_view text);

// The first firing time strictly after `after` (epoch seconds). Rates count from `anchor` (the
// schedule's start) in elapsed time. cron and at are wall-clock times in `zone`, as EventBridge
// Scheduler reads them across daylight-saving changes: a time the clocks skip does not fire
// (an at() in the gap moves forward by the gap), a time they repeat fires once, at its first
// occurrence. Nothing when the expression never fires again.
std::optional<std::int64_t> next_fire(const ScheduleExpression& expression, std::int64_t after, std::int64_t anchor,
                                      const TimeZone& zone = TimeZone::utc());

}  // namespace berth::sched
