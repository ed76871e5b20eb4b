#include "common/rfc3339.hpp"

#include <cstdio>

#include "common/civil_time.hpp"

namespace berth {

std::string rfc3339_utc(std::int64_t units, int fraction_digits) {
  if (fraction_digits < 0) fraction_digits = 0;
  if (fraction_digits > 9) fraction_digits = 9;
  std::int64_t scale = 1;
  for (int i = 0; i < fraction_digits; ++i) scale *= 10;
  const std::int64_t seconds = floor_div(units, scale);
  const std::int64_t fraction = units - seconds * scale;
  const std::int64_t days = floor_div(seconds, 86'400);
  const std::int64_t of_day = seconds - days * 86'400;
  const CivilDate date = civil_from_days(days);
  char text[64];
  int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", date.year, date.month, date.day,
                        static_cast<int>(of_day / 3600), static_cast<int>(of_day / 60 % 60),
                        static_cast<int>(of_day % 60));
  if (fraction_digits > 0) {
    n += std::snprintf(text + n, sizeof text - n, ".%0*lld", fraction_digits, static_cast<long long>(fraction));
  }
  return std::string(text, static_cast<std::size_t>(n)) + 'Z';
}

}  // namespace berth
