// RFC 3339 timestamps in UTC ("2026-12-04T05:01:02.123Z"), the one shape berth writes times in:
// audit lines, container log records, XML replies, CLI output. Computed with civil_time rather
// than gmtime_r/strftime, so it needs no time zone data and is the same on every libc.
#pragma once

#include <cstdint>
#include <string>

namespace berth {

// `units` counts 10^-fraction_digits seconds since the epoch (0: seconds, 3: milliseconds,
// 6: microseconds, 9: nanoseconds); the fraction is written with exactly that many digits.
// Times before 1970 are floored (-1 ms is 23:59:59.999 of 1969-12-31).
std::string rfc3339_utc(std::int64_t units, int fraction_digits);

}  // namespace berth
