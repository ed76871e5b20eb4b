#include "store/log_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "fixtures/file_stamps.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace log_store_test {

using namespace berth;
using namespace berth::store;
using berth::testing::FakeClock;
using berth::testing::file_stamps;
using berth::testing::TempDir;

namespace {

std::unique_ptr<LogStore> open_store(const std::string& dir, const Clock& clock, std::uint64_t max_bytes = 64ull << 20,
                                     std::size_t segment_bytes = 0) {
  auto store = LogStore::open(LogStoreOptions{dir, max_bytes, segment_bytes}, clock);
  REQUIRE_OK(store);
  return std::move(*store);
}

std::vector<LogEvent> lines(EpochMs first, int count, const std::string& prefix = "line ") {
  std::vector<LogEvent> out;
  for (int i = 0; i < count; ++i) out.push_back({first + i, prefix + std::to_string(i), 0});
  return out;
}

std::vector<std::string> messages(const std::vector<StoredLogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

std::uint64_t files_bytes(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".seg") total += entry.file_size();
  }
  return total;
}

}  // namespace

TEST_CASE("log store: groups and streams", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.path, clock);
  REQUIRE_OK(store->create_group("ecs/demo/web"));
  CHECK(store->create_group("ecs/demo/web").error().code == Code::resource_already_exists);
  CHECK(store->create_stream("missing", "s").error().code == Code::resource_not_found);
  REQUIRE_OK(store->create_stream("ecs/demo/web", "web/main/1"));
  CHECK(store->create_stream("ecs/demo/web", "web/main/1").error().code == Code::resource_already_exists);
  CHECK(store->append("ecs/demo/web", "nope", lines(1, 1), Flush::now, MissingStream::refuse).error().code ==
        Code::resource_not_found);
  // No events (PutLogEvents rejected them all): the stream is still checked, nothing is written.
  CHECK(store->append("ecs/demo/web", "nope", {}, Flush::now, MissingStream::refuse).error().code == Code::resource_not_found);
  REQUIRE_OK(store->append("ecs/demo/web", "web/main/1", {}, Flush::now, MissingStream::refuse));
  CHECK(store->stored_bytes() == 0);
  REQUIRE(store->groups("ecs/").size() == 1);
  CHECK(store->groups("other").empty());
  REQUIRE_OK(store->delete_group("ecs/demo/web"));
  CHECK(store->groups("").empty());
  CHECK(store->delete_group("ecs/demo/web").error().code == Code::resource_not_found);
}

TEST_CASE("log store: batched appends write nothing until flush, then survive a reopen", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  {
    auto store = open_store(dir.path, clock);
    REQUIRE_OK(store->create_group("g"));
    const std::uint64_t before = files_bytes(dir.path);
    std::vector<LogEvent> events = lines(1000, 3);
    events[2].source_ns = 77;
    REQUIRE_OK(store->append("g", "s", events, Flush::batched, MissingStream::create));
    CHECK(files_bytes(dir.path) == before);  // pending in memory only
    CHECK(store->has_pending());
    // Reads see pending events already.
    auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
    REQUIRE_OK(page);
    CHECK(messages(page->events) == std::vector<std::string>{"line 0", "line 1", "line 2"});
    store->flush();
    CHECK_FALSE(store->has_pending());
    CHECK(files_bytes(dir.path) > before);
  }
  auto store = open_store(dir.path, clock);
  auto page = store->stream_events("g", "s", StreamEventsQuery{});
  REQUIRE_OK(page);
  CHECK(messages(page->events) == std::vector<std::string>{"line 0", "line 1", "line 2"});
  CHECK(store->source_cursor("g", "s").ns == 77);
  CHECK(store->source_cursor("g", "s").count == 1);
  auto streams = store->streams("g");
  REQUIRE_OK(streams);
  REQUIRE(streams->size() == 1);
  CHECK((*streams)[0].first_event == 1000);
  CHECK((*streams)[0].last_event == 1002);
}

TEST_CASE("log store: a record cut short by a power cut is dropped at the next open", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  std::string segment;
  {
    auto store = open_store(dir.path, clock);
    REQUIRE_OK(store->create_group("g"));
    REQUIRE_OK(store->append("g", "s", lines(1, 2), Flush::now, MissingStream::create));
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path)) {
    if (entry.path().extension() == ".seg") segment = entry.path().string();
  }
  REQUIRE_FALSE(segment.empty());
  const auto whole = std::filesystem::file_size(segment);
  std::ofstream(segment, std::ios::app) << std::string("\x05\x00\x00\x00garbage", 11);
  auto store = open_store(dir.path, clock);
  CHECK(std::filesystem::file_size(segment) == whole);
  REQUIRE_OK(store->append("g", "s", lines(3, 1, "after "), Flush::now, MissingStream::create));
  auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
  REQUIRE_OK(page);
  CHECK(messages(page->events) == std::vector<std::string>{"line 0", "line 1", "after 0"});
}

TEST_CASE("log store: GetLogEvents pages forwards and backwards with tokens and a time range", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.path, clock, 64ull << 20, 4096);  // several segments
  REQUIRE_OK(store->create_group("g"));
  REQUIRE_OK(store->append("g", "s", lines(1000, 200), Flush::now, MissingStream::create));
  REQUIRE_OK(store->append("g", "other", lines(1000, 50, "x"), Flush::now, MissingStream::create));
  // Tail: the last 10.
  auto tail = store->stream_events("g", "s", StreamEventsQuery{.limit = 10});
  REQUIRE_OK(tail);
  REQUIRE(tail->events.size() == 10);
  CHECK(tail->events.front().message == "line 190");
  CHECK(tail->events.back().message == "line 199");
  // Backwards from there.
  auto earlier = store->stream_events("g", "s", StreamEventsQuery{.before = tail->backward, .limit = 10});
  REQUIRE_OK(earlier);
  CHECK(earlier->events.front().message == "line 180");
  CHECK(earlier->events.back().message == "line 189");
  // Forwards from the head, page by page, every line once.
  std::vector<std::string> all;
  std::optional<LogPosition> token;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true, .from = token, .limit = 30});
    REQUIRE_OK(page);
    for (auto& m : messages(page->events)) all.push_back(m);
    if (token && page->forward == *token) break;
    token = page->forward;
  }
  REQUIRE(all.size() == 200);
  CHECK(all[0] == "line 0");
  CHECK(all[199] == "line 199");
  // [start, end)
  auto range = store->stream_events("g", "s", StreamEventsQuery{.start = 1010, .end = 1013, .from_head = true});
  REQUIRE_OK(range);
  CHECK(messages(range->events) == std::vector<std::string>{"line 10", "line 11", "line 12"});
}

TEST_CASE("log store: FilterLogEvents matches across streams, by name, prefix and pages", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.path, clock);
  REQUIRE_OK(store->create_group("g"));
  REQUIRE_OK(store->append("g", "web/a", lines(1, 5, "a"), Flush::now, MissingStream::create));
  REQUIRE_OK(store->append("g", "db/b", lines(1, 5, "b"), Flush::batched, MissingStream::create));
  auto every = store->filter_events("g", FilterQuery{});
  REQUIRE_OK(every);
  CHECK(every->events.size() == 10);
  auto prefixed = store->filter_events("g", FilterQuery{.stream_prefix = "web/"});
  REQUIRE_OK(prefixed);
  CHECK(prefixed->events.size() == 5);
  CHECK(prefixed->events[0].stream == "web/a");
  auto matched = store->filter_events("g", FilterQuery{.streams = {"db/b"}, .match = [](std::string_view m) { return m.ends_with("3"); }});
  REQUIRE_OK(matched);
  CHECK(messages(matched->events) == std::vector<std::string>{"b3"});
  auto first = store->filter_events("g", FilterQuery{.limit = 4});
  REQUIRE_OK(first);
  REQUIRE(first->next);
  auto rest = store->filter_events("g", FilterQuery{.from = first->next, .limit = 100});
  REQUIRE_OK(rest);
  CHECK(first->events.size() + rest->events.size() == 10);
  CHECK_FALSE(rest->next);
}

TEST_CASE("log store: retention hides old events at once and deletes their segments", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  auto store = open_store(dir.path, clock, 64ull << 20, 4096);
  REQUIRE_OK(store->create_group("g"));
  const EpochMs day = 86'400'000;
  REQUIRE_OK(store->append("g", "s", lines(clock.now_ms() - 3 * day, 100, "old "), Flush::now, MissingStream::create));
  REQUIRE_OK(store->append("g", "s", lines(clock.now_ms(), 100, "new "), Flush::now, MissingStream::create));
  const std::uint64_t before = files_bytes(dir.path);
  REQUIRE_OK(store->put_retention("g", 1));
  auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
  REQUIRE_OK(page);
  REQUIRE(page->events.size() == 100);
  CHECK(page->events[0].message == "new 0");
  CHECK(files_bytes(dir.path) < before);
  CHECK(store->groups("g")[0].retention_days == 1);
  // Time passes: the new events age out too.
  clock.advance_ms(2 * day);
  store->flush();
  page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
  REQUIRE_OK(page);
  CHECK(page->events.empty());
}

TEST_CASE("log store: the size cap drops the oldest events, whichever group holds them", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  const std::uint64_t cap = 64 * 1024;
  auto store = open_store(dir.path, clock, cap);
  REQUIRE_OK(store->create_group("a"));
  REQUIRE_OK(store->create_group("b"));
  const std::string text(200, 'x');
  for (int i = 0; i < 600; ++i) {
    const std::vector<LogEvent> one{{1000 + i, text + std::to_string(i), 0}};
    REQUIRE_OK(store->append(i % 2 ? "a" : "b", "s", one, Flush::batched, MissingStream::create));
    if (i % 10 == 0) store->flush();
  }
  store->flush();
  CHECK(store->stored_bytes() <= cap);
  CHECK(files_bytes(dir.path) <= cap);
  auto newest = store->stream_events("a", "s", StreamEventsQuery{.limit = 1});
  REQUIRE_OK(newest);
  REQUIRE(newest->events.size() == 1);
  CHECK(newest->events[0].message == text + "599");
  auto oldest = store->filter_events("b", FilterQuery{.limit = 1});
  REQUIRE_OK(oldest);
  REQUIRE(oldest->events.size() == 1);
  // ~240 bytes a record: 64 KiB keep ~270 of the 600, less what the last dropped segment took
  // (4 KiB, ~17 records, per group).
  CHECK(oldest->events[0].timestamp > 1000 + 600 - 273 - 40);
  CHECK(store->stored_bytes() > cap - 2 * 4096 - 2 * 240);
}

TEST_CASE("log store: an open, reads and flushes with nothing new write nothing", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  {
    auto store = open_store(dir.path, clock, 64ull << 20, 4096);
    REQUIRE_OK(store->create_group("g"));
    // Sealed segments (with their .idx) and an active one holding some records.
    REQUIRE_OK(store->append("g", "s", lines(1, 300), Flush::now, MissingStream::create));
  }
  const auto before = file_stamps(dir.path);
  REQUIRE(std::ranges::count_if(before, [](const auto& f) { return f.first.ends_with(".idx"); }) >= 1);
  REQUIRE(std::ranges::count_if(before, [](const auto& f) { return f.first.ends_with(".seg"); }) >= 2);
  // The clock moves on, so a write would stamp a time the files do not hold yet.
  struct timespec pause{0, 20'000'000};
  ::nanosleep(&pause, nullptr);
  {
    auto store = open_store(dir.path, clock, 64ull << 20, 4096);
    CHECK_FALSE(store->has_pending());
    store->flush();
    auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
    REQUIRE_OK(page);
    CHECK(page->events.size() == 300);
    store->flush();
  }
  CHECK(file_stamps(dir.path) == before);
}

TEST_CASE("log store: a newest segment that was sealed is not read or appended to again", "[store][logs]") {
  TempDir dir;
  FakeClock clock;
  // 31 records of 136 bytes fill a 4 KiB segment: the last one seals it, and no other follows.
  std::vector<LogEvent> events;
  for (int i = 0; i < 31; ++i) events.push_back({i, std::string(100, 'a' + i % 26), 0});
  {
    auto store = open_store(dir.path, clock, 64ull << 20, 4096);
    REQUIRE_OK(store->create_group("g"));
    REQUIRE_OK(store->append("g", "s", events, Flush::now, MissingStream::create));
  }
  std::vector<std::string> segments;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path)) {
    if (entry.path().extension() == ".seg" || entry.path().extension() == ".idx") segments.push_back(entry.path().string());
  }
  REQUIRE(segments.size() == 2);  // 1.seg and its 1.idx
  const auto before = file_stamps(dir.path);
  struct timespec pause{0, 20'000'000};
  ::nanosleep(&pause, nullptr);
  auto store = open_store(dir.path, clock, 64ull << 20, 4096);
  REQUIRE_OK(store->append("g", "s", lines(100, 1, "next "), Flush::now, MissingStream::create));
  const auto after = file_stamps(dir.path);
  for (const auto& path : segments) CHECK(after.at(path) == before.at(path));
  auto page = store->stream_events("g", "s", StreamEventsQuery{.from_head = true});
  REQUIRE_OK(page);
  REQUIRE(page->events.size() == 32);
  CHECK(page->events.back().message == "next 0");
  CHECK(page->events.back().position.seq == 2);
}

}  // namespace log_store_test
