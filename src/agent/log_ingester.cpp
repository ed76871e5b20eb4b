#include "agent/log_ingester.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/shim/log_record.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::agent {
namespace {

constexpr std::string_view k_log_suffix = ".log";
// A runtime id is "<32 hex task id>-<container name>".
constexpr std::size_t k_task_id_length = 32;
// Read at most this much of a file per wake-up, so one chatty container cannot hold the thread
// (the next write's event brings the rest). The shims rotate their files at 1 MiB
// (RuncPaths::log_max_bytes), so a file's new bytes fit in one read.
constexpr std::size_t k_max_read = 4 << 20;

// The shim time of the first record of the file open at `fd`, 0 when it has none yet. With the
// inode it tells a file from a newer one that got the inode number of a deleted one.
std::int64_t first_record_ns(int fd) {
  // A record's time, stream and tag take its first 40 bytes; the text does not matter here.
  const auto head = read_fd_range(fd, 0, 64);
  if (!head || head->empty()) return 0;
  std::string_view line = *head;
  line = line.substr(0, line.find('\n'));
  const auto record = runtime::parse_shim_log_record(line);
  return record ? record->ns : 0;
}

// A log file opened: read by descriptor, it stays the same file however the shim renames it.
struct OpenedLog {
  runtime::UniqueFd fd;
  std::uint64_t inode = 0;    // 0: not there
  std::int64_t first_ns = 0;  // first_record_ns
};

OpenedLog open_log(const std::string& path) {
  OpenedLog out{runtime::UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), 0, 0};
  struct stat st{};
  if (out.fd.valid() && ::fstat(out.fd.get(), &st) == 0) {
    out.inode = static_cast<std::uint64_t>(st.st_ino);
    out.first_ns = first_record_ns(out.fd.get());
  }
  return out;
}

}  // namespace

LogIngester::LogIngester(LogIngesterOptions options, store::Store& state, store::LogStore& logs)
    : m_options(std::move(options)), m_state(state), m_logs(logs) {}

LogIngester::~LogIngester() { stop(); }

Result<void> LogIngester::start() {
  BERTH_TRY(make_dirs(m_options.log_root, 0700));
  m_inotify = runtime::UniqueFd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!m_inotify.valid()) return sys_fail("inotify_init1");
  m_stop = runtime::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!m_stop.valid()) return sys_fail("eventfd");
  if (::inotify_add_watch(m_inotify.get(), m_options.log_root.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE) < 0) {
    return sys_fail("inotify_add_watch " + m_options.log_root);
  }
  // What the shims wrote while berth was down (the watch is already set: nothing falls between).
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_options.log_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(k_log_suffix)) ingest(name);
  }
  m_thread = std::thread([this] { run(); });
  return {};
}

void LogIngester::stop() {
  if (m_thread.joinable()) {
    const std::uint64_t one = 1;
    ssize_t ignored = ::write(m_stop.get(), &one, sizeof one);
    (void)ignored;
    m_thread.join();
  }
  store_joined(true);
  m_logs.flush();
}

void LogIngester::resolve(const std::string& runtime_id, Source& source) {
  source.resolved = true;
  if (runtime_id.size() <= k_task_id_length + 1 || runtime_id[k_task_id_length] != '-') return;
  const std::string task_id = runtime_id.substr(0, k_task_id_length);
  auto task = m_state.find_task(m_options.cluster, task_id);
  if (!task || !*task) return;
  const model::TaskContainer* container = nullptr;
  for (const auto& c : (*task)->containers) {
    if (c.runtime_id == runtime_id || task_id + "-" + c.name == runtime_id) container = &c;
  }
  if (!container) return;
  auto definition = m_state.find_task_definition((*task)->family, (*task)->revision);
  if (!definition || !*definition) return;
  for (const auto& c : (*definition)->body.value("containerDefinitions", model::Json::array())) {
    if (c.value("name", "") != container->name || !c.contains("logConfiguration")) continue;
    auto log = model::parse_log_configuration(c["logConfiguration"]);
    if (!log || log->driver != model::LogDriver::awslogs) return;
    source.awslogs = true;
    source.options = log->awslogs;
    source.stream = model::awslogs_stream_name(log->awslogs, container->name, task_id, runtime_id);
    source.cursor = m_logs.source_cursor(source.options.group, source.stream);
    // Checked at RegisterTaskDefinition; one that fails now (a definition stored by an older
    // berth) leaves each line its own event.
    if (!log->awslogs.datetime_format.empty()) {
      if (auto matcher = model::LineStartMatcher::datetime(log->awslogs.datetime_format)) source.line_start = std::move(*matcher);
    } else if (!log->awslogs.multiline_pattern.empty()) {
      if (auto matcher = model::LineStartMatcher::pattern(log->awslogs.multiline_pattern)) source.line_start = std::move(*matcher);
    }
  }
}

std::size_t LogIngester::take_records(Source& source, std::string_view bytes, std::vector<store::LogEvent>& events) {
  std::size_t used = 0;
  while (used < bytes.size()) {
    const auto newline = bytes.find('\n', used);
    if (newline == std::string_view::npos) break;  // the shim's write is not whole yet
    const auto record = runtime::parse_shim_log_record(bytes.substr(used, newline - used));
    used = newline + 1;
    if (!record) continue;
    // Already stored (read again after a restart or a rotation)? Only a replay skips: read on from
    // an offset every line is new, even one stamped before the last (the clock stepped back).
    if (source.replaying && (record->ns < source.cursor.ns ||
                             (record->ns == source.cursor.ns && source.seen_at_cursor < source.cursor.count))) {
      if (record->ns == source.cursor.ns) ++source.seen_at_cursor;
      continue;
    }
    if (record->ns == source.cursor.ns) {
      ++source.cursor.count;
      ++source.seen_at_cursor;
    } else if (record->ns > source.cursor.ns) {
      source.cursor = {record->ns, 1};
      source.seen_at_cursor = 1;
    }
    source.partial += record->text;
    if (record->partial && source.partial.size() < store::k_max_log_message) continue;
    // Docker's awslogs driver skips empty lines; CloudWatch refuses empty messages.
    if (!source.partial.empty()) take_line(source, std::move(source.partial), record->ns, events);
    source.partial.clear();
  }
  return used;
}

void LogIngester::take_line(Source& source, std::string line, std::int64_t ns, std::vector<store::LogEvent>& events) {
  if (!source.line_start) {
    events.push_back({ns / 1'000'000, std::move(line), ns});
    return;
  }
  if (source.joining && !source.line_start->starts_event(line) &&
      source.joining->message.size() + 1 + line.size() <= store::k_max_log_message) {
    source.joining->message += '\n';
    source.joining->message += line;
    source.joining->source_ns = ns;  // a restart resumes after the event's last line
  } else {
    if (source.joining) events.push_back(std::move(*source.joining));
    source.joining = store::LogEvent{ns / 1'000'000, std::move(line), ns};
  }
  source.joined_at = std::chrono::steady_clock::now();
}

std::optional<std::chrono::steady_clock::time_point> LogIngester::store_joined(bool all) {
  const auto now = std::chrono::steady_clock::now();
  const auto wait = std::chrono::milliseconds(m_options.flush_ms);
  std::optional<std::chrono::steady_clock::time_point> next;
  for (auto& [runtime_id, source] : m_sources) {
    if (!source.joining) continue;
    if (all || now >= source.joined_at + wait) {
      const store::LogEvent event = std::move(*source.joining);
      source.joining.reset();
      if (auto stored = m_logs.append(source.options.group, source.stream, std::span(&event, 1), store::Flush::batched,
                                      store::MissingStream::create);
          !stored) {
        log_warn("log ingester: " + runtime_id + ": " + stored.error().message);
      }
    } else if (!next || source.joined_at + wait < *next) {
      next = source.joined_at + wait;
    }
  }
  return next;
}

std::uint64_t LogIngester::read_from(Source& source, int fd, std::uint64_t offset, std::vector<store::LogEvent>& events) {
  // Only what the file holds past `offset`: a wake-up for one line reads that line, not a
  // k_max_read buffer.
  const auto bytes = read_fd_range(fd, offset, k_max_read);
  if (!bytes || bytes->empty()) return offset;
  return offset + take_records(source, *bytes, events);
}

std::size_t LogIngester::ingest(const std::string& file_name) {
  if (!file_name.ends_with(k_log_suffix)) return 0;
  const std::string runtime_id = file_name.substr(0, file_name.size() - k_log_suffix.size());
  Source& source = m_sources[runtime_id];
  if (!source.resolved) resolve(runtime_id, source);
  if (!source.awslogs) return 0;
  if (!m_logs.has_group(source.options.group)) {
    if (source.options.create_group) {
      if (auto made = m_logs.create_group(source.options.group); !made && made.error().code != Code::resource_already_exists) {
        log_warn("log ingester: " + made.error().message);
        return 0;
      }
    } else {
      if (!source.group_warned) {
        log_warn("log ingester: container " + runtime_id + " logs to group '" + source.options.group +
                 "', which does not exist and awslogs-create-group is not true; its output is stored once the group is made");
      }
      source.group_warned = true;
      source.waiting_for_group = true;
      return 0;
    }
  }
  source.waiting_for_group = false;
  const std::string path = m_options.log_root + "/" + file_name;
  // Opened newest first and read by descriptor: a rotation meanwhile cannot put another file under
  // a name read later (a file opened under two names is read once, by its inode).
  const OpenedLog current = open_log(path);
  // The file last read, by inode and first record: a rotated-away file's inode number is soon a
  // newer file's (ext4 hands the freed number to the next file made), and reading that one from
  // the old offset, or taking it for the file last read, would skip lines.
  const auto last_read = [&](const OpenedLog& file) {
    return file.inode != 0 && file.inode == source.inode && file.first_ns == source.first_ns;
  };
  std::vector<store::LogEvent> events;
  // The file followed from here on is the newest one read that holds a record: an empty file has no
  // first record to tell it by, and once rotated away its inode number may name a newer file whose
  // predecessors (the rotated files between) were never read.
  const OpenedLog* followed = nullptr;
  std::uint64_t followed_end = 0;
  std::size_t read = 0;
  const auto read_file = [&](const OpenedLog& file, std::uint64_t from) {
    const std::uint64_t end = read_from(source, file.fd.get(), from, events);
    read += static_cast<std::size_t>(end - from);
    if (end > 0) {
      followed = &file;
      followed_end = end;
    }
  };
  std::vector<OpenedLog> rotated;
  if (last_read(current)) {
    read_file(current, source.offset);
  } else {
    // First sight, or the shim rotated: the rest of the file last read (now <path>.1), else every
    // file, oldest first; the cursor skips what is stored already.
    rotated.push_back(open_log(path + ".1"));
    if (last_read(rotated.front())) {
      read_file(rotated.front(), source.offset);
      read_file(current, 0);
    } else {
      for (int i = 2; i <= m_options.keep_files; ++i) rotated.push_back(open_log(path + "." + std::to_string(i)));
      source.replaying = true;
      source.seen_at_cursor = 0;
      // Ordered by first record, not by name: the shim may rotate between the opens, so the file
      // opened as current can be older than one opened as <path>.1 (a newer file read first would
      // move the cursor past the older one's lines, and the replay would skip them). A file still
      // empty is the newest.
      std::vector<const OpenedLog*> opened{&current};
      for (const auto& file : rotated) opened.push_back(&file);
      std::vector<std::pair<std::int64_t, const OpenedLog*>> files;
      std::set<std::uint64_t> read_inodes;
      for (const OpenedLog* file : opened) {
        if (file->inode == 0 || !read_inodes.insert(file->inode).second) continue;
        const std::int64_t first = first_record_ns(file->fd.get());
        files.emplace_back(first == 0 ? std::numeric_limits<std::int64_t>::max() : first, file);
      }
      std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [first, file] : files) read_file(*file, 0);
    }
  }
  if (followed) {
    source.inode = followed->inode;
    // Known from its opening unless it was empty then: no second read of its head at each pass.
    source.first_ns = followed->first_ns != 0 ? followed->first_ns : first_record_ns(followed->fd.get());
    source.offset = followed_end;
  }
  source.replaying = false;
  if (source.cursor.ns != source.told_ns && !m_options.state_root.empty()) {
    // For the shim: blocking holds the container rather than rotate away what was not read;
    // non-blocking counts what it rotates away unread as dropped. On tmpfs: no flash written.
    // One pwrite of a fixed width into a file kept open: a file made and renamed at each read
    // cost berth 4x the CPU with 10 containers logging 1,000 lines/s each (tests/bench/logs_bench.py).
    // A read of the shim's that meets the write half done fails to parse and counts as no report.
    if (!source.progress.valid()) {
      const std::string path = m_options.state_root + "/" + runtime_id + "/" + runtime::k_log_progress_file;
      source.progress = runtime::UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    }
    char text[32];
    const int n = std::snprintf(text, sizeof text, "%019lld\n", static_cast<long long>(source.cursor.ns));
    // Else the container is gone, or the next read says it again.
    if (source.progress.valid() && ::pwrite(source.progress.get(), text, static_cast<std::size_t>(n), 0) == n) {
      source.told_ns = source.cursor.ns;
    }
  }
  if (events.empty()) return read;
  if (auto stored = m_logs.append(source.options.group, source.stream, events, store::Flush::batched, store::MissingStream::create);
      !stored) {
    log_warn("log ingester: " + runtime_id + ": " + stored.error().message);
  }
  return read;
}

void LogIngester::forget(const std::string& runtime_id) {
  const auto source = m_sources.find(runtime_id);
  if (source == m_sources.end()) return;
  // The task was removed: its last multi-line event is stored before it is forgotten.
  if (source->second.joining) {
    const store::LogEvent last = std::move(*source->second.joining);
    (void)m_logs.append(source->second.options.group, source->second.stream, std::span(&last, 1), store::Flush::batched,
                        store::MissingStream::create);
  }
  m_sources.erase(source);
}

bool LogIngester::drain(std::set<std::string>& names) {
  alignas(inotify_event) char buffer[16384];
  bool overflow = false;
  ssize_t n;
  while ((n = ::read(m_inotify.get(), buffer, sizeof buffer)) > 0) {
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      overflow = overflow || (event->mask & IN_Q_OVERFLOW);
      if (event->len == 0) continue;
      std::string name = event->name;
      // A rotation (X.log -> X.log.1) is handled by reading X.log.
      if (const auto cut = name.find(".log."); cut != std::string::npos) name.resize(cut + k_log_suffix.size());
      if (!name.ends_with(k_log_suffix)) continue;
      if ((event->mask & IN_DELETE) && name == event->name) {
        names.erase(name);
        forget(name.substr(0, name.size() - k_log_suffix.size()));
      } else {
        names.insert(name);
      }
    }
  }
  if (overflow) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(m_options.log_root, ec)) {
      names.insert(entry.path().filename().string());
    }
  }
  return n == 0 || errno == EAGAIN || errno == EINTR;
}

void LogIngester::run() {
  using SteadyClock = std::chrono::steady_clock;
  // Each wake-up reads at once what was written. Waiting a few ms to fold many writes into one
  // read was measured (tests/bench/logs_bench.py, 10 chatty containers and a flood): it cost more
  // CPU, not less (interleaved files' events do not fold), and a flood outran the shim's rotated
  // files more often.
  std::optional<SteadyClock::time_point> flush_at, joined_due, group_check;
  std::set<std::string> written;
  while (true) {
    int timeout = -1;
    // A container waiting for its group writes nothing new once its shim holds it (blocking):
    // its file is read again every second until the group is made.
    if (!group_check && std::any_of(m_sources.begin(), m_sources.end(), [](const auto& s) { return s.second.waiting_for_group; })) {
      group_check = SteadyClock::now() + std::chrono::seconds(1);
    }
    for (const auto& due : {flush_at, joined_due, group_check}) {
      if (!due) continue;
      const int ms = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(*due - SteadyClock::now()).count()));
      timeout = timeout < 0 ? ms : std::min(timeout, ms);
    }
    pollfd fds[2] = {{m_stop.get(), POLLIN, 0}, {m_inotify.get(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, timeout);
    if (ready < 0 && errno != EINTR) {
      log_error(std::string("log ingester: poll: ") + std::strerror(errno) + "; container output is no longer stored");
      return;
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) return;
    if (ready > 0 && (fds[1].revents & POLLIN)) {
      if (!drain(written)) {
        log_error("log ingester: inotify failed; container output is no longer stored");
        return;
      }
      for (const auto& name : written) ingest(name);
      written.clear();
    }
    if (group_check && SteadyClock::now() >= *group_check) {
      group_check.reset();
      std::vector<std::string> waiting;
      for (const auto& [runtime_id, source] : m_sources) {
        if (source.waiting_for_group) waiting.push_back(runtime_id + std::string(k_log_suffix));
      }
      for (const auto& name : waiting) ingest(name);
    }
    joined_due = store_joined(false);
    if (flush_at && SteadyClock::now() >= *flush_at) {
      m_logs.flush();
      flush_at.reset();
    }
    if (!flush_at && m_logs.has_pending()) flush_at = SteadyClock::now() + std::chrono::milliseconds(m_options.flush_ms);
  }
}

}  // namespace berth::agent
