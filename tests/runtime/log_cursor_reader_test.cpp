#include "runtime/shim/log_cursor_reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "runtime/shim/log_writer.hpp"

namespace log_cursor_reader_test {

using namespace berth;
using berth::testing::TempDir;

namespace {

std::string numbered(int i) { return "line-" + std::to_string(i); }

// The texts of `chunk`'s lines.
std::vector<std::string> texts(const model::LogChunk& chunk) {
  std::vector<std::string> out;
  for (const auto& line : chunk.lines) out.push_back(line["text"].get<std::string>());
  return out;
}

// Reads on from `cursor` until the reader says nothing more follows, appending to `seen`.
void read_all(const std::string& path, int keep, std::optional<model::LogCursor>& cursor, std::size_t max_bytes,
              std::vector<std::string>& seen) {
  for (int round = 0; round < 10000; ++round) {
    const auto chunk = runtime::read_log_after(path, keep, cursor, max_bytes);
    for (auto& text : texts(chunk)) seen.push_back(std::move(text));
    cursor = chunk.next;
    if (!chunk.more) return;
  }
  FAIL("the reader never caught up");
}

}  // namespace

TEST_CASE("log cursor: reads between writes give every line once, in order, across rotations", "[runtime][logs]") {
  TempDir dir;
  const std::string path = dir.path + "/c.log";
  constexpr int k_keep = 2;
  // About four records a file: each batch of five lines rotates at least once between reads.
  runtime::LogWriter writer(path, 200, k_keep);
  std::optional<model::LogCursor> cursor;
  std::vector<std::string> seen, written;
  for (int batch = 0; batch < 12; ++batch) {
    for (int i = 0; i < 5; ++i) {
      written.push_back(numbered(batch * 5 + i));
      writer.write(runtime::LogStream::stdout_, written.back() + "\n");
    }
    read_all(path, k_keep, cursor, 1 << 20, seen);
    REQUIRE(seen == written);
  }
  // Nothing new: an empty read that keeps its place.
  const auto idle = runtime::read_log_after(path, k_keep, cursor, 1 << 20);
  CHECK(idle.lines.empty());
  CHECK_FALSE(idle.more);
  CHECK(idle.next == *cursor);
}

TEST_CASE("log cursor: a small bound gives the lines in pieces, with more until caught up", "[runtime][logs]") {
  TempDir dir;
  const std::string path = dir.path + "/c.log";
  runtime::LogWriter writer(path, 1 << 20, 2);
  std::vector<std::string> written;
  for (int i = 0; i < 50; ++i) {
    written.push_back(numbered(i) + std::string(100, 'x'));
    writer.write(i % 2 ? runtime::LogStream::stderr_ : runtime::LogStream::stdout_, written.back() + "\n");
  }
  const auto first = runtime::read_log_after(path, 2, std::nullopt, 3 * (110 + runtime::k_log_line_overhead));
  CHECK(first.lines.size() == 3);
  CHECK(first.more);
  CHECK(first.lines[1]["stream"] == "stderr");
  CHECK(first.lines[0]["time"].get<std::string>().ends_with("Z"));
  std::optional<model::LogCursor> cursor = first.next;
  std::vector<std::string> seen = texts(first);
  read_all(path, 2, cursor, 3 * (110 + runtime::k_log_line_overhead), seen);
  CHECK(seen == written);
  // A bound smaller than one line still moves on: the line comes, its text cut to the bound.
  const auto tiny = runtime::read_log_after(path, 2, std::nullopt, 10);
  REQUIRE(tiny.lines.size() == 1);
  CHECK(tiny.lines[0]["text"] == written[0].substr(0, 10));
  CHECK(tiny.more);
}

TEST_CASE("log cursor: a line still being written waits for its end", "[runtime][logs]") {
  TempDir dir;
  const std::string path = dir.path + "/c.log";
  std::vector<std::string> seen;
  std::optional<model::LogCursor> cursor;
  {
    runtime::LogWriter writer(path, 1 << 20, 2);
    writer.write(runtime::LogStream::stdout_, "done\nhalf ");  // a partial record after a whole one
    read_all(path, 2, cursor, 1 << 20, seen);
    CHECK(seen == std::vector<std::string>{"done"});
    writer.write(runtime::LogStream::stdout_, "and the rest\n");
    read_all(path, 2, cursor, 1 << 20, seen);
    CHECK(seen == std::vector<std::string>{"done", "half and the rest"});
  }
  // A record caught mid-write (no newline yet) is not taken, nor skipped.
  {
    std::ofstream out(path, std::ios::app);
    out << "2026-01-01T00:00:00.000000000Z stdout F cut he";
  }
  read_all(path, 2, cursor, 1 << 20, seen);
  CHECK(seen.size() == 2);
  {
    std::ofstream out(path, std::ios::app);
    out << "re\n";
  }
  read_all(path, 2, cursor, 1 << 20, seen);
  CHECK(seen == std::vector<std::string>{"done", "half and the rest", "cut here"});
}

TEST_CASE("log cursor: a cursor whose file was rotated away starts at the oldest line left", "[runtime][logs]") {
  TempDir dir;
  const std::string path = dir.path + "/c.log";
  runtime::LogWriter writer(path, 200, 1);
  writer.write(runtime::LogStream::stdout_, "first\n");
  const auto start = runtime::read_log_after(path, 1, std::nullopt, 1 << 20);
  REQUIRE(texts(start) == std::vector<std::string>{"first"});
  for (int i = 0; i < 40; ++i) writer.write(runtime::LogStream::stdout_, numbered(i) + "\n");
  const auto on_disk = runtime::read_log(path, 1);
  REQUIRE(on_disk.front().text != "first");  // its file is gone
  const auto after = runtime::read_log_after(path, 1, start.next, 1 << 20);
  REQUIRE_FALSE(after.lines.empty());
  CHECK(after.lines.front()["text"] == on_disk.front().text);
  CHECK(after.lines.back()["text"] == "line-39");
  // No file at all: nothing, and the cursor kept.
  const auto missing = runtime::read_log_after(dir.path + "/none.log", 1, start.next, 1 << 20);
  CHECK(missing.lines.empty());
  CHECK(missing.next == start.next);
}

TEST_CASE("log cursor: task cursors read back as written; anything else is refused", "[model][logs]") {
  const std::map<std::string, model::LogCursor> cursors{{"web", {12, 345}}, {"side_car-2", {7, 0}}};
  const auto text = model::task_cursor_text(cursors);
  const auto back = model::parse_task_cursor(text);
  REQUIRE(back.has_value());
  CHECK(*back == cursors);
  CHECK(model::parse_task_cursor("")->empty());
  for (const char* bad : {"web", "web:1", "web:1.x", ":1.2", "w b:1.2", "web:1.2,web:3.4", "web:-1.2",
                          "web:1.2,", "web:99999999999999999999.1"}) {
    INFO(bad);
    CHECK_FALSE(model::parse_task_cursor(bad).has_value());
  }
}

}  // namespace log_cursor_reader_test
