// Fuzz harness: time zones. The bytes are read as a TZif file and as a POSIX TZ rule; any
// bytes must parse or fail with an error, and a parsed zone must convert instants from 1900
// to 2199 both ways without crashing: an offset within a week (POSIX rules allow up to 167
// hours), and local times whose instants are at most two, in order, each reading that local
// time again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sched/time_zone.hpp"

namespace {

// 1900-01-01, 1970, 2000-03-26 01:30 (a spring-forward hour in Europe), 2023-11-14, 2038-01-19
// (the end of 32-bit transition times), the last second of 2199.
constexpr std::int64_t k_instants[] = {-2208988800, 0, 954034200, 1700000000, 2147483648, 7258118399};

void check(const berth::sched::TimeZone& zone) {
  for (const std::int64_t t : k_instants) {
    const int offset = zone.offset_at(t);
    if (offset <= -7 * 86400 || offset >= 7 * 86400) std::abort();
    const auto instants = zone.instants_of_local(t + offset);
    if (instants.size() > 2 || (instants.size() == 2 && instants[0] >= instants[1])) std::abort();
    for (const std::int64_t instant : instants) {
      if (instant + zone.offset_at(instant) != t + offset) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto zone = berth::sched::TimeZone::from_tzif(bytes)) check(*zone);
  if (auto zone = berth::sched::TimeZone::from_posix(bytes)) check(*zone);
  return 0;
}
