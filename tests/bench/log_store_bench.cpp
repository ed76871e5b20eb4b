// Log throughput: 1,000,000 lines of 80 bytes, as a container printing as fast as it can would
// give them, through (1) plain buffered writes to a file (the baseline), (2) the shim's LogWriter
// (what every container's output costs today: the k8s-file record, a flush per write), and (3)
// berth's side of an awslogs container: the shim's records parsed and appended to the log store
// in the ingester's batches (flushes as the ingester makes them, no fsync but at segment seals).
// Prints lines/s, MB/s of message text, the bytes each wrote per message byte, and the ratios to
// the baseline measured in the same run. Usage: berth-log-store-bench [DIR] (default: a temp dir
// under /tmp; use one on the gateway's flash to see its figures).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "runtime/shim/log_record.hpp"
#include "runtime/shim/log_writer.hpp"
#include "store/log_store.hpp"

using namespace berth;

namespace {

constexpr int k_lines = 1'000'000;
constexpr std::size_t k_batch = 1000;  // records per ingest, as a burst of shim writes gives them

std::string line_of(int i) {
  std::string text = "2026-12-03 level=info request=" + std::to_string(i) + " path=/api/v1/items status=200 ms=12";
  text.resize(79, '.');
  return text + "\n";
}

std::uint64_t bytes_under(const std::string& dir, const std::string& extension = "") {
  std::uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension)) total += entry.file_size();
  }
  return total;
}

struct Row {
  const char* name;
  double seconds;
  std::uint64_t bytes_written;
};

void print(const Row& row, const Row& baseline, std::uint64_t message_bytes) {
  std::printf("%-44s %10.0f lines/s %7.1f MB/s  %5.2f file bytes per message byte  %5.2fx the baseline's time\n",
              row.name, k_lines / row.seconds, static_cast<double>(message_bytes) / row.seconds / 1e6,
              static_cast<double>(row.bytes_written) / static_cast<double>(message_bytes), row.seconds / baseline.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "";
  if (dir.empty()) {
    char pattern[] = "/tmp/berth-log-bench-XXXXXX";
    dir = ::mkdtemp(pattern);
  }
  std::vector<std::string> lines;
  std::uint64_t message_bytes = 0;
  for (int i = 0; i < k_lines; ++i) {
    lines.push_back(line_of(i));
    message_bytes += lines.back().size() - 1;
  }
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); };

  // (1) the baseline
  const std::string plain = dir + "/plain.log";
  auto start = Clock::now();
  {
    std::FILE* f = std::fopen(plain.c_str(), "w");
    for (const auto& line : lines) std::fwrite(line.data(), 1, line.size(), f);
    std::fclose(f);
  }
  const Row baseline{"plain file (fwrite, buffered)", seconds(start), std::filesystem::file_size(plain)};

  // (2) the shim's writer, one write per line (rotation off: one file)
  const std::string shim_log = dir + "/shim.log";
  start = Clock::now();
  {
    runtime::LogWriter writer(shim_log, std::size_t{1} << 40, 0);
    for (const auto& line : lines) writer.write(runtime::LogStream::stdout_, line);
  }
  const Row shim{"shim LogWriter (k8s-file, a flush per write)", seconds(start), std::filesystem::file_size(shim_log)};

  // (3) berth's side of awslogs: parse the shim's records, append in batches, flush
  SystemClock clock;
  auto logs = store::LogStore::open({dir + "/cloudwatch-logs", std::uint64_t{1} << 40, 0}, clock);
  if (!logs || !(*logs)->create_group("bench")) {
    std::fprintf(stderr, "cannot open the log store in %s\n", dir.c_str());
    return 1;
  }
  std::ifstream in(shim_log);
  std::string raw;
  start = Clock::now();
  std::vector<store::LogEvent> batch;
  const auto append = [&] {
    if (!(*logs)->append("bench", "web/main/0", batch, store::Flush::batched, store::MissingStream::create)) std::abort();
    batch.clear();
  };
  while (std::getline(in, raw)) {
    const auto record = runtime::parse_shim_log_record(raw);
    if (!record) continue;
    batch.push_back({record->ns / 1'000'000, std::string(record->text), record->ns});
    if (batch.size() == k_batch) append();
  }
  if (!batch.empty()) append();
  (*logs)->flush();
  const Row store_row{"log store (parse shim records + append)", seconds(start), bytes_under(dir + "/cloudwatch-logs")};

  std::printf("== log throughput: %d lines of %zu bytes in %s\n", k_lines, lines[0].size() - 1, dir.c_str());
  print(baseline, baseline, message_bytes);
  print(shim, baseline, message_bytes);
  print(store_row, baseline, message_bytes);
  std::printf("awslogs container, shim file + store: %.2f file bytes per message byte\n",
              static_cast<double>(shim.bytes_written + store_row.bytes_written) / static_cast<double>(message_bytes));

  // Reads over what was stored: the newest page of the stream, and FilterLogEvents for a term in
  // one line in 100,000 over every stored byte (its pages followed to the end).
  start = Clock::now();
  auto tail = (*logs)->stream_events("bench", "web/main/0", store::StreamEventsQuery{.limit = 10000});
  const double tail_s = seconds(start);
  start = Clock::now();
  std::size_t found = 0, pages = 0;
  std::optional<store::LogPosition> next;
  do {
    auto page = (*logs)->filter_events("bench", store::FilterQuery{
        .from = next, .match = [](std::string_view m) { return m.find("request=99999") != std::string_view::npos &&
                                                               m.find("request=999999") == std::string_view::npos; }});
    if (!page) std::abort();
    found += page->events.size();
    next = page->next;
    ++pages;
  } while (next);
  const double filter_s = seconds(start);
  // A reader following the stream (`aws logs get-log-events` with its forward token, nothing
  // new): 100 calls from the token the newest page returned.
  const std::optional<store::LogPosition> end_token = tail ? std::optional(tail->forward) : std::nullopt;
  start = Clock::now();
  for (int i = 0; i < 100; ++i) {
    if (!(*logs)->stream_events("bench", "web/main/0", store::StreamEventsQuery{.from = end_token})) std::abort();
  }
  const double follow_s = seconds(start) / 100;
  std::printf("GetLogEvents, newest 10000 of the stream: %.1f ms (%zu events)\n", tail_s * 1000, tail ? tail->events.size() : 0);
  std::printf("GetLogEvents from the stream's end (a follower, nothing new): %.3f ms a call\n", follow_s * 1000);
  std::printf("FilterLogEvents over %.0f MB stored: %.0f ms in %zu calls, %zu events\n",
              static_cast<double>(store_row.bytes_written) / 1e6, filter_s * 1000, pages, found);
  if (argc <= 1) std::filesystem::remove_all(dir);
  return 0;
}
