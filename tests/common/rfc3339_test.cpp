#include "common/rfc3339.hpp"

#include <catch2/catch.hpp>

namespace rfc3339_test {

using berth::rfc3339_utc;

TEST_CASE("rfc3339_utc writes UTC with the asked precision", "[common]") {
  CHECK(rfc3339_utc(0, 0) == "1970-01-01T00:00:00Z");
  CHECK(rfc3339_utc(1'796'361'722'123, 3) == "2026-12-04T05:22:02.123Z");
  CHECK(rfc3339_utc(1'796'361'722'000'007, 6) == "2026-12-04T05:22:02.000007Z");
  CHECK(rfc3339_utc(1'796'361'722'000'000'042, 9) == "2026-12-04T05:22:02.000000042Z");
  CHECK(rfc3339_utc(951'782'400, 0) == "2000-02-29T00:00:00Z");  // a leap day of a 400-year
  CHECK(rfc3339_utc(4'107'542'399, 0) == "2100-02-28T23:59:59Z");  // 2100 is not leap
  CHECK(rfc3339_utc(4'107'542'400, 0) == "2100-03-01T00:00:00Z");
}

TEST_CASE("rfc3339_utc floors times before the epoch", "[common]") {
  CHECK(rfc3339_utc(-1, 3) == "1969-12-31T23:59:59.999Z");
  CHECK(rfc3339_utc(-86'400, 0) == "1969-12-31T00:00:00Z");
}

}  // namespace rfc3339_test
