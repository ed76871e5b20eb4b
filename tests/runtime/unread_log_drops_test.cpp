// An awslogs container's file in non-blocking mode: the lines a rotation deletes before the
// reader (the log ingester) took them are counted, said in the file, and nothing else is lost.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/numbers.hpp"
#include "runtime/shim/container_output.hpp"
#include "runtime/shim/log_record.hpp"

namespace unread_log_drops_test {

using namespace berth::runtime;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/berth-unread-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<ContainerOutput> open_counting(const std::string& dir) {
  ContainerLogging logging;
  logging.sink = LogSink::file;
  logging.count_unread = true;
  logging.progress_path = dir + "/progress";
  auto out = ContainerOutput::open(logging, {.path = dir + "/c.log", .max_bytes = 4096, .keep_files = 2}, "c");
  REQUIRE(out);
  return std::move(*out);
}

bool is_notice(const LogLine& line) {
  return line.stream == "stderr" && line.text.starts_with("berth: ") && line.text.find(" were dropped") != std::string::npos;
}

}  // namespace

TEST_CASE("non-blocking awslogs: lines rotated away unread are counted and said in the file", "[runtime][logs]") {
  TempDir dir;
  auto out = open_counting(dir.path);
  // No reader report at all (berth down): every line a rotation deletes was never read.
  constexpr int k_written = 2000;
  for (int i = 0; i < k_written; ++i) out->write(LogStream::stdout_, "line " + std::to_string(i) + " of the container\n");
  out->finish(std::chrono::milliseconds(0));
  const auto kept = read_log(dir.path + "/c.log", 2);
  std::size_t kept_lines = 0, notices = 0;
  int next = -1;
  for (const auto& line : kept) {
    if (is_notice(line)) {
      ++notices;
      continue;
    }
    ++kept_lines;
    // The kept lines are the newest, in order, with no gap among them.
    const int n = berth::parse_integer<int>(line.text.substr(5, line.text.find(' ', 5) - 5)).value_or(-1);
    if (next >= 0) CHECK(n == next);
    next = n + 1;
  }
  CHECK(next == k_written);
  CHECK(out->dropped() > 0);
  CHECK(notices > 0);
  CHECK(kept_lines + out->dropped() == k_written);
}

TEST_CASE("non-blocking awslogs: a reader that keeps up loses nothing and nothing is counted", "[runtime][logs]") {
  TempDir dir;
  auto out = open_counting(dir.path);
  std::size_t taken = 0;
  std::int64_t reader_ns = 0;
  // The reader takes each line as it is written (as the ingester's inotify wake-up would) and
  // reports the shim time of the last one.
  for (int i = 0; i < 1000; ++i) {
    out->write(LogStream::stdout_, "line " + std::to_string(i) + "\n");
    for (const auto& line : read_log(dir.path + "/c.log", 2)) {
      const auto record = parse_shim_log_record(line.time + " " + line.stream + " F " + line.text);
      REQUIRE(record);
      if (record->ns > reader_ns) {
        reader_ns = record->ns;
        ++taken;
      }
    }
    std::FILE* f = std::fopen((dir.path + "/progress").c_str(), "w");
    REQUIRE(f);
    std::fprintf(f, "%lld\n", static_cast<long long>(reader_ns));
    std::fclose(f);
  }
  out->finish(std::chrono::milliseconds(0));
  CHECK(taken == 1000);
  CHECK(out->dropped() == 0);
  for (const auto& line : read_log(dir.path + "/c.log", 2)) CHECK_FALSE(is_notice(line));
}

TEST_CASE("unread_lines counts whole non-empty lines past the reader's report", "[runtime][logs]") {
  TempDir dir;
  const std::string log = dir.path + "/c.log.2", progress = dir.path + "/progress";
  std::FILE* f = std::fopen(log.c_str(), "w");
  REQUIRE(f);
  // 2026-12-03T16:34:15Z is 1796315655 s after the epoch.
  std::fputs("2026-12-03T16:34:15.000000001Z stdout F taken\n"
             "2026-12-03T16:34:15.000000002Z stdout F \n"
             "2026-12-03T16:34:15.000000003Z stdout P half\n"
             "2026-12-03T16:34:15.000000004Z stdout F \n"
             "2026-12-03T16:34:15.000000005Z stderr F berth: 3 lines (9 bytes) of this container's output were dropped: "
             "the log ingester had not read them when ...\n"
             "2026-12-03T16:34:15.000000006Z stderr F last\n",
             f);
  std::fclose(f);
  CHECK(unread_lines(log, progress).lines == 3);  // no report: all but the empty line and the notice
  f = std::fopen(progress.c_str(), "w");
  std::fputs("1796315655000000001\n", f);
  std::fclose(f);
  const auto lost = unread_lines(log, progress);
  CHECK(lost.lines == 2);  // "half" + its empty end, and "last"
  CHECK(lost.bytes == 8);
}

}  // namespace unread_log_drops_test
