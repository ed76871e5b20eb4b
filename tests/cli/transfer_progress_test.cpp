#include "cli/transfer_progress.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::transfer_progress_test {

TEST_CASE("transfer progress: the bar follows the bytes, the layers show once known", "[cli]") {
  CHECK(human_size(999) == "999 B");
  CHECK(human_size(1'234'567) == "1.2 MB");
  CHECK(transfer_line(0, 4'000'000, 0, 0) == "[--------------------] 0 B of 4.0 MB");
  CHECK(transfer_line(1'000'000, 4'000'000, 0, 3) == "[#####---------------] 1.0 MB of 4.0 MB, layers 0/3");
  CHECK(transfer_line(4'000'000, 4'000'000, 3, 3) == "[####################] 4.0 MB of 4.0 MB, layers 3/3");
  // More bytes than the total said (a file that grew) fill the bar and no more.
  CHECK(transfer_line(5'000'000, 4'000'000, 1, 1).starts_with("[####################] 5.0 MB of 4.0 MB"));
  // Sizes beyond what the bar's arithmetic holds do not overflow it.
  CHECK(transfer_line(1ull << 63, ~0ull, 0, 0).starts_with("[##########----------]"));
}

}  // namespace berth::cli::transfer_progress_test
