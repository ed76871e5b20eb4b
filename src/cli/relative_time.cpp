#include "cli/relative_time.hpp"

#include <cmath>

#include "common/civil_time.hpp"
#include "common/rfc3339.hpp"

namespace berth::cli {

std::string relative_time(std::optional<EpochMs> at, EpochMs now) {
  if (!at) return "-";
  const bool future = *at > now;
  const EpochMs seconds = (future ? *at - now : now - *at) / 1000;
  if (seconds < 1) return "just now";
  struct Unit {
    EpochMs seconds;
    const char* suffix;
  };
  constexpr Unit k_units[] = {{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const Unit& unit : k_units) {
    // Weeks only beyond two of them: "9d ago" reads better than "1w ago".
    if (unit.seconds == 7 * 86400 && seconds < 14 * 86400) continue;
    if (seconds >= unit.seconds) {
      const std::string amount = std::to_string(seconds / unit.seconds) + unit.suffix;
      return future ? "in " + amount : amount + " ago";
    }
  }
  return "just now";
}

std::optional<EpochMs> timestamp_member(const model::Json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double seconds = it->get<double>();
  // 2200-01-01 in epoch seconds bounds what a conversion to milliseconds may hold.
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 7'258'118'400.0) return std::nullopt;
  return static_cast<EpochMs>(std::llround(seconds * 1000.0));
}

std::string utc_time(EpochMs at) { return rfc3339_utc(floor_div(at, 1000), 0); }

}  // namespace berth::cli
