// Fuzz harness: schedule expressions (cron, rate, at). Any text must parse or fail with an
// error; a parsed expression must give its next firing times, in UTC and in a zone with
// daylight saving, from instants across the range schedules use (1970 to 2199), without
// crashing and always strictly later than the instant asked about.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sched/schedule_expression.hpp"

namespace {

// 1970, 1999-12-31 23:59:59, 2023-11-14, a fall-back night in Berlin (2024-10-27 00:30 UTC),
// 2100-01-01, the last second of 2199.
constexpr std::int64_t k_instants[] = {0, 946684799, 1700000000, 1729989000, 4102444800, 7258118399};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = berth::sched::parse_schedule_expression(text);
  if (!expression) return 0;
  static const auto berlin = berth::sched::TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3");
  static const auto lord_howe = berth::sched::TimeZone::from_posix("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  if (!berlin || !lord_howe) std::abort();
  static const berth::sched::TimeZone utc = berth::sched::TimeZone::utc();
  for (const berth::sched::TimeZone* zone : {&utc, &*berlin, &*lord_howe}) {
    for (const std::int64_t after : k_instants) {
      std::int64_t t = after;
      // A few successive firings, as the runner takes them.
      for (int i = 0; i < 3; ++i) {
        const auto next = berth::sched::next_fire(*expression, t, /*anchor=*/k_instants[2], *zone);
        if (!next) break;
        if (*next <= t) std::abort();
        t = *next;
      }
    }
  }
  return 0;
}
