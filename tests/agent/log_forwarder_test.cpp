#include "agent/log_forwarder.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace log_forwarder_test {

using namespace berth;
using namespace berth::agent;
using berth::testing::FakeClock;
using berth::testing::TempDir;

namespace {

// A central endpoint in memory, as CloudWatch Logs answers: groups and streams must exist
// (ResourceNotFoundException), creating one twice is ResourceAlreadyExistsException. `down`
// makes every call fail unanswered; `lose_acks` stores a batch and then fails as a timeout
// would, so the sender cannot know it arrived.
class FakeEndpoint final : public LogsEndpoint {
 public:
  Result<void> create_group(const std::string& group) override {
    BERTH_TRY(answer());
    if (!groups.insert(group).second) return fail(Code::resource_already_exists, "exists");
    return {};
  }
  Result<void> create_stream(const std::string& group, const std::string& stream) override {
    BERTH_TRY(answer());
    if (!groups.contains(group)) return fail(Code::resource_not_found, "no group");
    if (streams.contains({group, stream})) return fail(Code::resource_already_exists, "exists");
    streams[{group, stream}];
    return {};
  }
  Result<PutOutcome> put_events(const std::string& group, const std::string& stream,
                                const std::vector<ForwardedEvent>& events) override {
    BERTH_TRY(answer());
    const auto it = streams.find({group, stream});
    if (it == streams.end()) return fail(Code::resource_not_found, "no stream");
    if (stream == refused_stream) return fail(Code::invalid_parameter, "PutLogEvents: InvalidParameterException: no");
    REQUIRE(!events.empty());
    REQUIRE(events.size() <= k_put_max_events);
    for (std::size_t i = 1; i < events.size(); ++i) REQUIRE(events[i - 1].timestamp <= events[i].timestamp);
    batches.push_back(events.size());
    it->second.insert(it->second.end(), events.begin(), events.end());
    if (lose_acks) return fail(Code::server, "PutLogEvents: timed out");
    return PutOutcome{};
  }
  Result<std::vector<ForwardedEvent>> last_events(const std::string& group, const std::string& stream,
                                                  std::size_t limit) override {
    BERTH_TRY(answer());
    ++tail_reads;
    const auto it = streams.find({group, stream});
    if (it == streams.end()) return fail(Code::resource_not_found, "no stream");
    const auto& all = it->second;
    return std::vector<ForwardedEvent>(all.end() - static_cast<std::ptrdiff_t>(std::min(limit, all.size())), all.end());
  }

  std::vector<std::string> messages(const std::string& group, const std::string& stream) const {
    std::vector<std::string> out;
    if (const auto it = streams.find({group, stream}); it != streams.end()) {
      for (const auto& e : it->second) out.push_back(e.message);
    }
    return out;
  }

  bool down = false;
  bool lose_acks = false;
  std::string refused_stream;  // PutLogEvents to it is InvalidParameterException
  int calls = 0;
  int tail_reads = 0;
  std::vector<std::size_t> batches;
  std::set<std::string> groups;
  std::map<std::pair<std::string, std::string>, std::vector<ForwardedEvent>> streams;

 private:
  Result<void> answer() {
    ++calls;
    if (down) return fail(Code::server, "connection refused");
    return {};
  }
};

struct Rig {
  TempDir tmp;
  FakeClock clock;
  FakeEndpoint central;
  std::unique_ptr<store::LogStore> logs;
  std::unique_ptr<LogForwarder> forwarder;

  explicit Rig(std::uint64_t max_bytes = 64ull << 20, std::size_t segment_bytes = 0) {
    auto opened = store::LogStore::open({tmp.path + "/logs", max_bytes, segment_bytes}, clock);
    REQUIRE_OK(opened);
    logs = std::move(*opened);
    REQUIRE_OK(logs->create_group("ecs/demo/web"));
    restart();
  }
  std::string cursor_path() const { return tmp.path + "/forward.json"; }
  // A new forwarder over the same store and cursor file, as after a restart of berth.
  void restart() {
    forwarder.reset();
    forwarder = std::make_unique<LogForwarder>(LogForwarderOptions{cursor_path(), "https://central:51678"}, *logs, central, clock);
  }
  // Stores lines `first`..`first + count - 1` ("line N") in stream `stream`, written to the files.
  void log(int first, int count, const std::string& stream = "web/main/t1") {
    std::vector<store::LogEvent> events;
    for (int i = first; i < first + count; ++i) events.push_back({clock.now_ms() + i, "line " + std::to_string(i), 0});
    REQUIRE_OK(logs->append("ecs/demo/web", stream, events, store::Flush::now, store::MissingStream::create));
  }
  // Runs passes over what `store` adds, then puts the cursor file back as it was before: a kill
  // after the endpoint acknowledged those events, before their cursor was written.
  template <class Store>
  void send_unrecorded(Store store) {
    const auto before = read_file(cursor_path());
    REQUIRE_OK(before);
    store();
    drain();
    REQUIRE_OK(write_file_atomic(cursor_path(), *before));
  }
  // Runs passes until nothing more is to be sent at once (bounded).
  void drain() {
    for (int i = 0; i < 100 && forwarder->pass(); ++i) {
    }
  }
};

std::vector<std::string> lines(int first, int count) {
  std::vector<std::string> out;
  for (int i = first; i < first + count; ++i) out.push_back("line " + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("the forwarder ships a stream in order, making the group and stream at the endpoint", "[log_forward]") {
  Rig rig;
  rig.log(0, 5);
  rig.log(0, 2, "web/main/t2");
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 5));
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t2") == lines(0, 2));
  rig.log(5, 3);
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 8));
}

TEST_CASE("the forwarder sends only events written to the files, not those waiting for a flush", "[log_forward]") {
  Rig rig;
  const std::vector<store::LogEvent> events{{rig.clock.now_ms(), "waiting", 0}};
  REQUIRE_OK(rig.logs->append("ecs/demo/web", "web/main/t1", events, store::Flush::batched, store::MissingStream::create));
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1").empty());
  rig.logs->flush();
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == std::vector<std::string>{"waiting"});
}

TEST_CASE("an idle forwarder neither calls the endpoint nor writes its cursors", "[log_forward]") {
  Rig rig;
  rig.log(0, 3);
  rig.drain();
  REQUIRE(std::filesystem::exists(rig.cursor_path()));
  std::filesystem::remove(rig.cursor_path());
  const int calls = rig.central.calls;
  for (int i = 0; i < 5; ++i) rig.forwarder->pass();
  CHECK(rig.central.calls == calls);
  CHECK_FALSE(std::filesystem::exists(rig.cursor_path()));
}

TEST_CASE("a stream's backlog goes in batches of at most 10,000 events, in order", "[log_forward]") {
  Rig rig;
  rig.log(0, 25'000);
  rig.drain();
  CHECK(rig.central.batches == std::vector<std::size_t>{10'000, 10'000, 5'000});
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 25'000));
}

TEST_CASE("an endpoint down delays the passes by a bounded exponential backoff, then gets everything", "[log_forward]") {
  Rig rig;
  rig.central.down = true;
  rig.log(0, 3);
  std::vector<EpochMs> delays;
  for (int i = 0; i < 9; ++i) {
    const EpochMs now = rig.clock.now_ms();
    CHECK_FALSE(rig.forwarder->pass());
    delays.push_back(rig.forwarder->retry_at() - now);
    // Before the retry time a pass calls nothing.
    const int calls = rig.central.calls;
    rig.clock.advance_ms(delays.back() - 1);
    rig.forwarder->pass();
    CHECK(rig.central.calls == calls);
    rig.clock.advance_ms(1);
    rig.log(3 + i, 1);  // containers keep logging meanwhile
  }
  CHECK(delays == std::vector<EpochMs>{1000, 2000, 4000, 8000, 16'000, 32'000, 60'000, 60'000, 60'000});
  rig.central.down = false;
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 12));
  CHECK(rig.forwarder->retry_at() <= rig.clock.now_ms());
}

TEST_CASE("a stream whose batch the endpoint refuses waits alone; the others go on", "[log_forward]") {
  Rig rig;
  rig.central.refused_stream = "web/main/t1";
  rig.log(0, 3);
  rig.log(0, 2, "web/main/t2");
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1").empty());
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t2") == lines(0, 2));
  CHECK(rig.forwarder->retry_at() <= rig.clock.now_ms());
  rig.central.refused_stream.clear();
  const int calls = rig.central.calls;
  rig.drain();
  CHECK(rig.central.calls == calls);  // held back for the backoff's bound
  rig.clock.advance_ms(60'000);
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 3));
}

TEST_CASE("after a restart the forwarder resumes from its cursors", "[log_forward]") {
  Rig rig;
  rig.log(0, 4);
  rig.drain();
  rig.log(4, 4);
  rig.restart();
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 8));
}

TEST_CASE("a batch acknowledged but not recorded (a kill before the cursor write) is not sent again", "[log_forward]") {
  Rig rig;
  rig.log(0, 4);
  rig.drain();
  // The endpoint holds lines 4..7, the cursor file still says they were not sent.
  rig.send_unrecorded([&] { rig.log(4, 4); });
  rig.log(8, 2);
  rig.restart();
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 10));
}

TEST_CASE("a batch stored by the endpoint whose answer was lost is not sent again", "[log_forward]") {
  Rig rig;
  rig.log(0, 2);
  rig.drain();
  rig.central.lose_acks = true;
  rig.log(2, 3);
  rig.drain();
  rig.central.lose_acks = false;
  rig.clock.advance_ms(60'000);
  rig.log(5, 1);
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 6));
}

TEST_CASE("a repeated line already at the endpoint is told from the same line not yet sent", "[log_forward]") {
  Rig rig;
  const EpochMs ts = rig.clock.now_ms();
  const std::vector<store::LogEvent> same{{ts, "same", 0}};
  REQUIRE_OK(rig.logs->append("ecs/demo/web", "s", same, store::Flush::now, store::MissingStream::create));
  rig.drain();
  rig.send_unrecorded([&] {
    REQUIRE_OK(rig.logs->append("ecs/demo/web", "s", same, store::Flush::now, store::MissingStream::create));
  });
  REQUIRE_OK(rig.logs->append("ecs/demo/web", "s", same, store::Flush::now, store::MissingStream::create));
  rig.restart();
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "s") == std::vector<std::string>{"same", "same", "same"});
}

TEST_CASE("a cursor that no longer ends an event (a power cut shortened the store) resumes after the last one before it",
          "[log_forward]") {
  Rig rig;
  rig.log(0, 10);
  rig.drain();
  // The cursor file as if the store had held 20 bytes more: it points into the next record.
  auto text = read_file(rig.cursor_path());
  REQUIRE_OK(text);
  auto json = model::Json::parse(*text);
  json["streams"][0]["offset"] = json["streams"][0]["offset"].get<std::uint64_t>() + 20;
  REQUIRE_OK(write_file_atomic(rig.cursor_path(), json.dump()));
  rig.log(10, 5);
  rig.restart();
  rig.drain();
  CHECK(rig.central.messages("ecs/demo/web", "web/main/t1") == lines(0, 15));
}

TEST_CASE("events the cap deleted before they were forwarded are skipped, not waited for", "[log_forward]") {
  // 4 KiB segments, 16 KiB in all: the oldest segments go while the endpoint is away.
  Rig rig(16 * 1024, 4096);
  rig.log(0, 10);
  rig.drain();
  rig.central.down = true;
  rig.log(10, 1000);
  CHECK_FALSE(rig.forwarder->pass());
  rig.central.down = false;
  rig.clock.advance_ms(60'000);
  rig.drain();
  const auto got = rig.central.messages("ecs/demo/web", "web/main/t1");
  REQUIRE(got.size() > 10);
  CHECK(got.size() < 1010);
  CHECK(std::vector<std::string>(got.begin(), got.begin() + 10) == lines(0, 10));
  CHECK(got.back() == "line 1009");
  // What arrived after the gap is the store's oldest surviving event on, in order.
  const int resumed = parse_integer<int>(std::string_view(got[10]).substr(5)).value_or(-1);
  CHECK(std::vector<std::string>(got.begin() + 10, got.end()) == lines(resumed, 1010 - resumed));
}

TEST_CASE("cursors for another endpoint are not used", "[log_forward]") {
  Rig rig;
  rig.log(0, 3);
  rig.drain();
  FakeEndpoint fresh;
  LogForwarder to_fresh(LogForwarderOptions{rig.cursor_path(), "https://elsewhere:443"}, *rig.logs, fresh, rig.clock);
  for (int i = 0; i < 10 && to_fresh.pass(); ++i) {
  }
  CHECK(fresh.messages("ecs/demo/web", "web/main/t1") == lines(0, 3));
}

}  // namespace log_forwarder_test
