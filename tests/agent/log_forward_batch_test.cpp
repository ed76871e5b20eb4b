#include "agent/log_forward_batch.hpp"

#include <catch2/catch.hpp>

namespace log_forward_batch_test {

using namespace berth;
using namespace berth::agent;
using store::LogPosition;
using store::StoredLogEvent;

namespace {

// Events as the store reads them: one after another in segment 1.
std::vector<StoredLogEvent> stored(const std::vector<std::pair<EpochMs, std::string>>& events) {
  std::vector<StoredLogEvent> out;
  std::uint64_t offset = 0;
  for (const auto& [ts, message] : events) {
    out.push_back({"s", ts, ts, message, {1, offset}});
    offset += store::k_log_record_overhead + message.size();
  }
  return out;
}

std::vector<StoredLogEvent> numbered(int count, EpochMs first = 1000, std::size_t size = 8) {
  std::vector<std::pair<EpochMs, std::string>> events;
  for (int i = 0; i < count; ++i) events.emplace_back(first + i, std::string(size, 'x') + std::to_string(i));
  return stored(events);
}

LogPosition after(const StoredLogEvent& event) {
  return {event.position.seq, event.position.offset + store::k_log_record_overhead + event.message.size()};
}

}  // namespace

TEST_CASE("take_batch takes the events from the cursor on, in order, each with its end position", "[log_forward]") {
  const auto events = numbered(5);
  const auto batch = take_batch(events, events[2].position);
  REQUIRE(batch.events.size() == 3);
  CHECK(batch.events[0].message == events[2].message);
  CHECK(batch.events[2].message == events[4].message);
  CHECK(batch.ends[0] == after(events[2]));
  CHECK(batch.end == after(events[4]));
  const auto none = take_batch(events, after(events[4]));
  CHECK(none.events.empty());
  CHECK(none.end == after(events[4]));
}

TEST_CASE("take_batch stops at 10,000 events", "[log_forward]") {
  const auto events = numbered(10'001);
  const auto batch = take_batch(events, {});
  CHECK(batch.events.size() == k_put_max_events);
  CHECK(batch.end == events[10'000].position);
}

TEST_CASE("take_batch counts 26 bytes per event against the 1,048,576 bytes of PutLogEvents", "[log_forward]") {
  // Four messages of the largest size make exactly 1,048,576 bytes with their overheads.
  const auto events = numbered(5, 1000, k_put_max_message - 1);
  for (const auto& e : events) REQUIRE(e.message.size() == k_put_max_message);
  CHECK(take_batch(events, {}, SIZE_MAX).events.size() == 4);
  // One byte less each would let a fifth one in were it not too large: it starts the next batch.
  const auto smaller = numbered(5, 1000, 300'000);
  const auto batch = take_batch(smaller, {}, SIZE_MAX);
  CHECK(batch.events.size() == 4);
  CHECK(batch.truncated == 4);
  CHECK(batch.events[0].message.size() == k_put_max_message);
}

TEST_CASE("take_batch keeps the request within its JSON budget, escapes counted at their worst", "[log_forward]") {
  CHECK(json_bytes_at_most("ab") == 2);
  CHECK(json_bytes_at_most("\"\\") == 4);
  CHECK(json_bytes_at_most(std::string("\x01", 1)) == 6);
  CHECK(json_bytes_at_most("\xc3\xa9") == 6);
  const auto events = numbered(10, 1000, 100);
  const std::size_t per_event = json_bytes_at_most(events[0].message) + k_request_event_overhead;
  CHECK(take_batch(events, {}, 3 * per_event).events.size() == 3);
  // An event over the budget alone is cut to fit it.
  const auto control = stored({{1000, std::string(1000, '\x01')}});
  const auto cut = take_batch(control, {}, 600);
  REQUIRE(cut.events.size() == 1);
  CHECK(cut.events[0].message.size() == (600 - k_request_event_overhead) / 6);
  CHECK(cut.truncated == 1);
  CHECK(cut.end == after(control[0]));
}

TEST_CASE("take_batch ends before an older event, and past 24 hours", "[log_forward]") {
  const auto back = stored({{1000, "a"}, {2000, "b"}, {1500, "c"}, {1600, "d"}});
  const auto first = take_batch(back, {});
  CHECK(first.events == std::vector<ForwardedEvent>{{1000, "a"}, {2000, "b"}});
  const auto second = take_batch(back, first.end);
  CHECK(second.events == std::vector<ForwardedEvent>{{1500, "c"}, {1600, "d"}});

  const EpochMs day = 24 * 3'600'000;
  const auto span = stored({{0, "a"}, {day, "b"}, {day + 1, "c"}});
  CHECK(take_batch(span, {}).events.size() == 2);
}

TEST_CASE("take_batch skips empty messages, which PutLogEvents refuses, and moves past them", "[log_forward]") {
  const auto events = stored({{1000, ""}, {1001, "a"}, {1002, ""}});
  const auto batch = take_batch(events, {});
  CHECK(batch.events == std::vector<ForwardedEvent>{{1001, "a"}});
  CHECK(batch.empty_skipped == 2);
  CHECK(batch.end == after(events[2]));
  CHECK(batch.ends[0] == after(events[2]));
  const auto only_empty = take_batch(stored({{1000, ""}}), {});
  CHECK(only_empty.events.empty());
  CHECK(only_empty.end != LogPosition{});
}

TEST_CASE("already_sent finds the batch's first events at the end of the central stream", "[log_forward]") {
  const std::vector<ForwardedEvent> batch{{1, "3"}, {2, "4"}, {3, "5"}};
  CHECK(already_sent({}, batch, std::nullopt, 4) == 0);
  CHECK(already_sent({{0, "1"}, {0, "2"}}, batch, ForwardedEvent{0, "2"}, 4) == 0);
  CHECK(already_sent({{0, "2"}, {1, "3"}, {2, "4"}}, batch, ForwardedEvent{0, "2"}, 4) == 2);
  CHECK(already_sent({{0, "2"}, {1, "3"}, {2, "4"}, {3, "5"}}, batch, ForwardedEvent{0, "2"}, 4) == 3);
  CHECK(already_sent({{1, "3"}}, batch, std::nullopt, 4) == 1);
  // A full tail that begins with the batch cannot show the event before it: taken as sent.
  CHECK(already_sent({{1, "3"}, {2, "4"}, {3, "5"}}, batch, ForwardedEvent{0, "2"}, 3) == 3);
  // A shorter one is the whole stream, which lacks the acknowledged event: not the batch.
  CHECK(already_sent({{1, "3"}, {2, "4"}, {3, "5"}}, batch, ForwardedEvent{0, "2"}, 4) == 0);
}

TEST_CASE("already_sent tells repeated lines apart by the event acknowledged before them", "[log_forward]") {
  // Central: ..., "x" (acknowledged before), "x" (the batch's first, sent without its cursor).
  const std::vector<ForwardedEvent> batch{{5, "x"}, {5, "x"}, {5, "x"}};
  CHECK(already_sent({{4, "a"}, {5, "x"}}, batch, ForwardedEvent{4, "a"}, 4) == 1);
  CHECK(already_sent({{4, "a"}, {5, "x"}, {5, "x"}}, batch, ForwardedEvent{4, "a"}, 4) == 2);
  // Central "x x", the first acknowledged before: one of the batch is there, not two.
  CHECK(already_sent({{5, "x"}, {5, "x"}}, batch, ForwardedEvent{5, "x"}, 4) == 1);
}

TEST_CASE("Backoff doubles from its first delay up to its bound, and starts over after a success", "[log_forward]") {
  Backoff backoff(1000, 60'000);
  std::vector<EpochMs> delays;
  for (int i = 0; i < 9; ++i) delays.push_back(backoff.failed());
  CHECK(delays == std::vector<EpochMs>{1000, 2000, 4000, 8000, 16'000, 32'000, 60'000, 60'000, 60'000});
  backoff.succeeded();
  CHECK(backoff.failed() == 1000);
}

}  // namespace log_forward_batch_test
