#include "cli/durations.hpp"

#include "common/numbers.hpp"

namespace berth::cli {

std::optional<long long> parse_duration(std::string_view text, long long max_seconds) {
  if (text.empty()) return std::nullopt;
  long long unit = 1;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: unit = 0; break;
  }
  std::string_view digits = text;
  if (unit != 0) {
    digits.remove_suffix(1);
  } else {
    unit = 1;
  }
  const auto count = parse_integer_in<long long>(digits, 1, max_seconds);
  if (!count || *count > max_seconds / unit) return std::nullopt;
  return *count * unit;
}

}  // namespace berth::cli
