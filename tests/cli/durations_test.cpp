#include "cli/durations.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::durations_test {

TEST_CASE("durations: seconds, minutes, hours, days within a bound", "[cli]") {
  CHECK(parse_duration("90", 3600) == 90);
  CHECK(parse_duration("90s", 3600) == 90);
  CHECK(parse_duration("15m", 3600) == 900);
  CHECK(parse_duration("1h", 3600) == 3600);
  CHECK(parse_duration("7d", 7 * 86400) == 7 * 86400);
  for (const char* bad : {"", "s", "0", "0m", "2h", "-5", "1.5h", "1w", "99999999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad, 3600));
  }
}

}  // namespace berth::cli::durations_test
