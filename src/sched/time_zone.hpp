// IANA time zones for schedules (ScheduleExpressionTimezone): read from TZif files as installed
// under /usr/share/zoneinfo (RFC 8536, versions 1-4, "fat" or "slim"), with the POSIX TZ rule
// of the footer for times after the last listed transition. g++ 12 has no std::chrono tzdb,
// and a gateway's libc may have none either. Pure; immutable once built; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::sched {

// A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3".
struct PosixZoneRule {
  struct Date {
    enum class Kind { julian_no_leap, zero_based, month_week_day } kind = Kind::month_week_day;
    int day = 0;      // Jn: 1..365; n: 0..365; Mm.w.d: d, 0 = Sunday
    int month = 0;    // Mm.w.d
    int week = 0;     // Mm.w.d: 1..5, 5 = the last
    int time = 7200;  // seconds after local midnight, may be negative or above 24 h
  };
  int standard_offset = 0;  // seconds east of UTC
  std::optional<int> daylight_offset;
  Date daylight_start, daylight_end;
};

class TimeZone {
 public:
  static TimeZone utc();
  // Parses a TZif file's bytes. InvalidParameterException when they are not TZif.
  [[nodiscard]] static Result<TimeZone> from_tzif(std::string_view bytes);
  // Parses a POSIX TZ rule string.
  [[nodiscard]] static Result<TimeZone> from_posix(std::string_view rule);

  // Seconds east of UTC in force at `utc_seconds`.
  int offset_at(std::int64_t utc_seconds) const;
  // The instants at which wall clocks read `local_seconds` (local time counted like UTC
  // seconds): none in a spring-forward gap, two in a fall-back overlap, earliest first.
  std::vector<std::int64_t> instants_of_local(std::int64_t local_seconds) const;

 private:
  std::vector<std::int64_t> m_transitions;  // ascending, UTC
  std::vector<int> m_offsets;               // in force from m_transitions[i]
  int m_initial_offset = 0;                 // before the first transition
  std::optional<PosixZoneRule> m_rule;      // after the last transition (or always, if none)
};

// Whether `name` can be a zone name: letters, digits, '_', '-', '+' and '/' between parts;
// no empty, "." or ".." part, so it cannot leave the zoneinfo directory.
bool is_valid_zone_name(std::string_view name);

}  // namespace berth::sched
