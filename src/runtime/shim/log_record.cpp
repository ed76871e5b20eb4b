#include "runtime/shim/log_record.hpp"

#include "common/civil_time.hpp"
#include "common/numbers.hpp"

namespace berth::runtime {
namespace {

// "2026-12-03T16:34:15.123456789Z" (as LogWriter writes it: always nine digits, UTC).
std::optional<std::int64_t> parse_time_ns(std::string_view t) {
  if (t.size() != 30 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' ||
      t[29] != 'Z') {
    return std::nullopt;
  }
  const auto year = parse_integer_in<int>(t.substr(0, 4), 1970, 9999);
  const auto month = parse_integer_in<int>(t.substr(5, 2), 1, 12);
  const auto day = parse_integer_in<int>(t.substr(8, 2), 1, 31);
  const auto hour = parse_integer_in<int>(t.substr(11, 2), 0, 23);
  const auto minute = parse_integer_in<int>(t.substr(14, 2), 0, 59);
  const auto second = parse_integer_in<int>(t.substr(17, 2), 0, 60);
  const auto nanos = parse_integer_in<std::int64_t>(t.substr(20, 9), 0, 999'999'999);
  if (!year || !month || !day || !hour || !minute || !second || !nanos) return std::nullopt;
  const std::int64_t seconds = days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
  return seconds * 1'000'000'000 + *nanos;
}

}  // namespace

std::optional<ShimLogRecord> parse_shim_log_record(std::string_view line) {
  const auto s1 = line.find(' ');
  if (s1 == std::string_view::npos) return std::nullopt;
  const auto ns = parse_time_ns(line.substr(0, s1));
  const std::string_view rest = line.substr(s1 + 1);
  ShimLogRecord record;
  if (rest.starts_with("stdout ")) record.stderr_ = false;
  else if (rest.starts_with("stderr ")) record.stderr_ = true;
  else return std::nullopt;
  const std::string_view tag = rest.substr(7);
  if (!ns || tag.size() < 2 || (tag[0] != 'F' && tag[0] != 'P') || tag[1] != ' ') return std::nullopt;
  record.ns = *ns;
  record.partial = tag[0] == 'P';
  record.text = tag.substr(2);
  return record;
}

}  // namespace berth::runtime
