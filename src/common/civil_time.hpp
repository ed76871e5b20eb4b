// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (cron matching, time-zone
// rules, dates in queries); timegm() needs the process time zone and is not constexpr. Pure constexpr functions.
#pragma once

#include <cstdint>

namespace berth {

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

constexpr std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe) + static_cast<int>(era) * 400 + (m <= 2), m, d};
}

// Floor division, so times before 1970 land on the right day.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) {
  constexpr int k_days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : k_days_in[m - 1];
}

// Seconds since the epoch of a UTC civil time (no range checks: callers validate fields).
constexpr std::int64_t utc_seconds(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
constexpr int weekday_from_days(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

}  // namespace berth
