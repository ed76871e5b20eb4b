// The log store's reads for the log forwarder: written events only, a group's extent, and the
// events deleted before a position.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "store/log_store.hpp"

namespace log_store_forward_reads_test {

using namespace berth;
using namespace berth::store;
using berth::testing::FakeClock;
using berth::testing::TempDir;

namespace {

std::vector<LogEvent> lines(EpochMs first, int count) {
  std::vector<LogEvent> out;
  for (int i = 0; i < count; ++i) out.push_back({first + i, "line " + std::to_string(i), 0});
  return out;
}

}  // namespace

TEST_CASE("log store: a written-only read leaves out the events waiting for a flush", "[store][logs][log_forward]") {
  TempDir tmp;
  FakeClock clock;
  auto logs = LogStore::open({tmp.path, 64ull << 20, 0}, clock);
  REQUIRE_OK(logs);
  REQUIRE_OK((*logs)->create_group("g"));
  REQUIRE_OK((*logs)->append("g", "s", lines(clock.now_ms(), 2), Flush::now, MissingStream::create));
  REQUIRE_OK((*logs)->append("g", "s", lines(clock.now_ms() + 2, 3), Flush::batched, MissingStream::create));
  StreamEventsQuery written;
  written.from_head = true;
  written.reach = ReadReach::written;
  StreamEventsQuery all = written;
  all.reach = ReadReach::pending;
  CHECK((*logs)->stream_events("g", "s", written)->events.size() == 2);
  CHECK((*logs)->stream_events("g", "s", all)->events.size() == 5);
  const auto extent = (*logs)->extent("g");
  REQUIRE(extent.has_value());
  const auto page = (*logs)->stream_events("g", "s", written);
  CHECK(extent->written_end == page->forward);
  CHECK(extent->first == LogPosition{page->events.front().position.seq, 0});
  (*logs)->flush();
  CHECK((*logs)->stream_events("g", "s", written)->events.size() == 5);
  CHECK((*logs)->extent("g")->written_end > extent->written_end);
  CHECK_FALSE((*logs)->extent("nope").has_value());
}

TEST_CASE("log store: the events the cap deleted are counted per stream from a position", "[store][logs][log_forward]") {
  TempDir tmp;
  FakeClock clock;
  auto logs = LogStore::open({tmp.path, 16 * 1024, 4096}, clock);
  REQUIRE_OK(logs);
  REQUIRE_OK((*logs)->create_group("g"));
  for (int i = 0; i < 40; ++i) {
    REQUIRE_OK((*logs)->append("g", "a", lines(clock.now_ms() + i * 100, 10), Flush::now, MissingStream::create));
    REQUIRE_OK((*logs)->append("g", "b", lines(clock.now_ms() + i * 100, 5), Flush::now, MissingStream::create));
  }
  const auto extent = (*logs)->extent("g");
  REQUIRE(extent->first.seq > 1);
  StreamEventsQuery head;
  head.from_head = true;
  head.limit = 100'000;
  const auto kept_a = (*logs)->stream_events("g", "a", head)->events.size();
  const auto kept_b = (*logs)->stream_events("g", "b", head)->events.size();
  // From the start every deletion counts, exactly: the stored events and the deleted ones make
  // all that was appended.
  const auto from_start_a = (*logs)->dropped_events("g", "a", {});
  CHECK(from_start_a.at_least == from_start_a.at_most);
  CHECK(from_start_a.at_least + kept_a == 400);
  CHECK((*logs)->dropped_events("g", "b", {}).at_least + kept_b == 200);
  // From within the second deleted segment: the first is not counted; the second is a range.
  const auto from_second = (*logs)->dropped_events("g", "a", {2, 1});
  CHECK(from_second.at_most < from_start_a.at_most);
  CHECK(from_second.at_least < from_second.at_most);
  CHECK((*logs)->dropped_events("g", "nope", {}).at_most == 0);
}

}  // namespace log_store_forward_reads_test
