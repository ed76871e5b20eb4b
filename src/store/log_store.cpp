// The LogStore's write side: opening, groups and streams, appends, flushes, retention and the cap.
#include "store/log_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"
#include "store/log_group.hpp"

namespace berth::store {
namespace {

std::size_t segment_size(const LogStoreOptions& options) {
  if (options.segment_bytes > 0) return options.segment_bytes;
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(options.max_bytes / 16, 4096, 4u << 20));
}

std::string group_file(const std::string& name, EpochMs created, std::optional<int> retention) {
  return name + "\n" + std::to_string(created) + "\n" + (retention ? std::to_string(*retention) : "") + "\n";
}

// Scans the segment file at `path` into `summary`; returns how many bytes hold whole records
// (and sets `file_size`, when given, to the file's size).
std::uint64_t scan_segment(const std::string& path, SegmentSummary& summary, std::uint64_t* file_size = nullptr) {
  auto bytes = read_file(path);
  if (!bytes) return 0;
  if (file_size) *file_size = bytes->size();
  return scan_log_records(*bytes, 0, [&](const LogRecord& record, std::uint64_t) {
    summary.add(record);
    return true;
  });
}

}  // namespace

LogStore::LogStore(LogStoreOptions options, const Clock& clock) : m_options(std::move(options)), m_clock(clock) {}

LogStore::~LogStore() { flush(); }

Result<std::unique_ptr<LogStore>> LogStore::open(LogStoreOptions options, const Clock& clock) {
  BERTH_TRY(make_dirs(options.dir, 0700));
  std::unique_ptr<LogStore> store(new LogStore(std::move(options), clock));
  BERTH_TRY(store->load());
  return store;
}

Result<void> LogStore::load() {
  MutexLock lock(m_mutex);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_options.dir, ec)) {
    const std::string base = entry.path().filename().string();
    if (!base.starts_with("g")) continue;
    const std::uint64_t id = parse_integer<std::uint64_t>(std::string_view(base).substr(1)).value_or(0);
    if (id == 0) continue;
    m_next_group_id = std::max(m_next_group_id, id + 1);
    auto group = std::make_unique<Group>();
    group->id = id;
    group->dir = entry.path().string();
    auto text = read_file(group->dir + "/group");
    const auto lines = text ? split(*text, '\n') : std::vector<std::string_view>{};
    const auto created = lines.size() >= 3 ? parse_integer<EpochMs>(lines[1]) : std::nullopt;
    if (!created || lines[0].empty()) {
      log_warn("log store: " + group->dir + " has no readable group file; left alone");
      continue;
    }
    group->name = std::string(lines[0]);
    group->created = *created;
    group->retention_days = parse_integer<int>(lines[2]);
    if (auto streams = read_file(group->dir + "/streams")) {
      for (const auto line : split(*streams, '\n')) {
        const auto fields = split(line, '\t');
        if (fields.size() != 3) continue;  // a line cut short by a power cut
        const auto stream_id = parse_integer<std::uint32_t>(fields[0]);
        const auto stream_created = parse_integer<EpochMs>(fields[1]);
        if (!stream_id || !stream_created) continue;
        group->streams[*stream_id] = LogStreamEntry{std::string(fields[2]), *stream_created};
        group->stream_ids[std::string(fields[2])] = *stream_id;
      }
    }
    std::vector<std::uint64_t> seqs;
    for (const auto& file : std::filesystem::directory_iterator(group->dir, ec)) {
      const std::string name = file.path().filename().string();
      if (!name.ends_with(".seg")) continue;
      if (const auto seq = parse_integer<std::uint64_t>(std::string_view(name).substr(0, name.size() - 4))) seqs.push_back(*seq);
    }
    std::ranges::sort(seqs);
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      LogSegment segment;
      segment.summary.seq = seqs[i];
      const std::string path = group->segment_path(seqs[i], ".seg");
      const std::string index_path = group->segment_path(seqs[i], ".idx");
      const bool last = i + 1 == seqs.size();
      auto index = read_file(index_path);
      auto summary = index ? decode_summary(*index) : std::nullopt;
      std::error_code size_error;
      // The newest segment is sealed too when its summary covers the whole file (berth stopped
      // after a seal, before the next append): no need to read it.
      if (summary && summary->seq == seqs[i] && (!last || summary->bytes == std::filesystem::file_size(path, size_error))) {
        segment.sealed = true;
        segment.summary = std::move(*summary);
      } else if (!last) {
        segment.sealed = true;
        scan_segment(path, segment.summary);
        (void)write_file_atomic(index_path, encode_summary(segment.summary), 0600);
      } else {
        // The newest segment was being appended to: whatever follows its last whole record is a
        // write a power cut interrupted, and goes. Only then: truncate(2) to the same size still
        // stamps the inode (mtime, ctime), a write at every start for nothing.
        std::uint64_t size = 0;
        const std::uint64_t valid = scan_segment(path, segment.summary, &size);
        if (valid < size && ::truncate(path.c_str(), static_cast<off_t>(valid)) != 0) {
          log_warn("log store: truncate " + path + ": " + std::strerror(errno));
        }
        group->written = valid;
      }
      group->segments.push_back(std::move(segment));
      group->next_seq = seqs[i] + 1;
    }
    const std::string name = group->name;
    m_groups[name] = std::move(group);
  }
  if (ec) return fail(Code::server, "log store: reading " + m_options.dir + ": " + ec.message());
  enforce_limits();
  return {};
}

LogStore::Group* LogStore::find(const std::string& name) {
  const auto it = m_groups.find(name);
  return it == m_groups.end() ? nullptr : it->second.get();
}

Result<LogStore::Group*> LogStore::find_or_fail(const std::string& name) {
  if (Group* group = find(name)) return group;
  return fail(Code::resource_not_found, "The specified log group does not exist.");
}

Result<void> LogStore::create_group(const std::string& name) {
  MutexLock lock(m_mutex);
  if (find(name)) return fail(Code::resource_already_exists, "The specified log group already exists");
  if (m_groups.size() >= k_max_log_groups) {
    return fail(Code::limit_exceeded, "Resource limit exceeded: a gateway holds at most " + std::to_string(k_max_log_groups) + " log groups.");
  }
  auto group = std::make_unique<Group>();
  group->id = m_next_group_id++;
  group->name = name;
  group->created = m_clock.now_ms();
  group->dir = m_options.dir + "/g" + std::to_string(group->id);
  BERTH_TRY(make_dirs(group->dir, 0700));
  BERTH_TRY(write_file_atomic(group->dir + "/group", group_file(name, group->created, std::nullopt), 0600));
  m_groups[name] = std::move(group);
  return {};
}

bool LogStore::has_group(const std::string& name) {
  MutexLock lock(m_mutex);
  return find(name) != nullptr;
}

Result<void> LogStore::delete_group(const std::string& name) {
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(Group * group, find_or_fail(name));
  const std::string dir = group->dir;
  m_groups.erase(name);
  return remove_all(dir);
}

Result<void> LogStore::put_retention(const std::string& name, std::optional<int> days) {
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(Group * group, find_or_fail(name));
  BERTH_TRY(write_file_atomic(group->dir + "/group", group_file(name, group->created, days), 0600));
  group->retention_days = days;
  enforce_limits();
  return {};
}

std::vector<LogGroupInfo> LogStore::groups(const std::string& prefix) {
  MutexLock lock(m_mutex);
  std::vector<LogGroupInfo> out;
  for (auto it = m_groups.lower_bound(prefix); it != m_groups.end() && it->first.starts_with(prefix); ++it) {
    const Group& group = *it->second;
    LogGroupInfo info{group.name, group.created, group.retention_days, 0};
    for (const auto& segment : group.segments) {
      for (const auto& [id, range] : segment.summary.streams) info.stored_bytes += range.bytes;
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<void> LogStore::create_stream(const std::string& group_name, const std::string& stream) {
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(Group * group, find_or_fail(group_name));
  if (group->stream_ids.contains(stream)) return fail(Code::resource_already_exists, "The specified log stream already exists");
  if (group->streams.size() >= k_max_log_streams_per_group) {
    return fail(Code::limit_exceeded, "Resource limit exceeded: a log group holds at most " +
                                          std::to_string(k_max_log_streams_per_group) + " streams.");
  }
  const std::uint32_t id = group->streams.empty() ? 1 : group->streams.rbegin()->first + 1;
  const EpochMs now = m_clock.now_ms();
  // Appended and fsynced: streams are made once per container or API call, and a stream id in a
  // segment must find its name after a power cut.
  const std::string line = std::to_string(id) + "\t" + std::to_string(now) + "\t" + stream + "\n";
  const int fd = ::open((group->dir + "/streams").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return sys_fail("open " + group->dir + "/streams");
  const int error = write_all(fd, line);
  const bool synced = error == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return fail(Code::server, "log store: writing " + group->dir + "/streams: " + std::strerror(error ? error : errno));
  group->streams[id] = LogStreamEntry{stream, now};
  group->stream_ids[stream] = id;
  return {};
}

Result<std::vector<LogStreamInfo>> LogStore::streams(const std::string& group_name) {
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(Group * group, find_or_fail(group_name));
  std::map<std::uint32_t, LogStreamInfo> by_id;
  for (const auto& [id, entry] : group->streams) by_id[id] = LogStreamInfo{entry.name, entry.created, {}, {}, {}, 0};
  for (const auto& segment : group->segments) {
    for (const auto& [id, range] : segment.summary.streams) {
      const auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      LogStreamInfo& info = it->second;
      info.first_event = info.first_event ? std::min(*info.first_event, range.first) : range.first;
      info.last_event = info.last_event ? std::max(*info.last_event, range.last) : range.last;
      info.last_ingestion = info.last_ingestion ? std::max(*info.last_ingestion, range.last_ingestion) : range.last_ingestion;
      info.stored_bytes += range.bytes;
    }
  }
  std::vector<LogStreamInfo> out;
  for (auto& [id, info] : by_id) out.push_back(std::move(info));
  std::ranges::sort(out, {}, &LogStreamInfo::name);
  return out;
}

Result<void> LogStore::append(const std::string& group_name, const std::string& stream, std::span<const LogEvent> events,
                              Flush flush_mode, MissingStream missing) {
  Group* group = nullptr;
  bool stream_exists = false;
  {
    MutexLock lock(m_mutex);
    BERTH_ASSIGN(group, find_or_fail(group_name));
    stream_exists = group->stream_ids.contains(stream);
  }
  // Made only when missing (once per container), outside the lock as create_stream takes it.
  if (!stream_exists && missing == MissingStream::refuse) return fail(Code::resource_not_found, "The specified log stream does not exist.");
  if (!stream_exists) {
    if (auto made = create_stream(group_name, stream); !made && made.error().code != Code::resource_already_exists) return made;
  }
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(group, find_or_fail(group_name));  // deleted meanwhile: the events have nowhere to go
  const auto id = group->stream_ids.find(stream);
  if (id == group->stream_ids.end()) return fail(Code::resource_not_found, "The specified log stream does not exist.");
  const EpochMs now = m_clock.now_ms();
  const std::size_t limit = segment_size(m_options);
  bool wrote = false;
  for (const auto& event : events) {
    if (group->segments.empty() || group->segments.back().sealed) {
      LogSegment fresh;
      fresh.summary.seq = group->next_seq++;
      group->segments.push_back(std::move(fresh));
      group->written = 0;
    }
    const LogRecord record{id->second, event.timestamp, now, event.source_ns,
                           std::string_view(event.message).substr(0, k_max_log_message)};
    encode_log_record(record, group->pending);
    group->segments.back().summary.add(record);
    if (group->segments.back().summary.bytes >= limit) {
      seal_active(*group);
      wrote = true;
    }
  }
  if (!group->pending.empty() && (group->pending.size() >= k_log_flush_bytes || flush_mode == Flush::now)) {
    write_pending(*group);
    wrote = true;
  }
  if (wrote) enforce_limits();
  return {};
}

void LogStore::write_pending(Group& group) {
  if (group.pending.empty() || group.segments.empty()) return;
  const std::string path = group.segment_path(group.segments.back().summary.seq, ".seg");
  if (group.active_fd < 0) group.active_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int error = group.active_fd < 0 ? errno : write_all(group.active_fd, group.pending);
  if (error != 0) {
    // Kept in memory the events would grow without bound; they are dropped, and said so.
    log_warn("log store: writing " + path + ": " + std::strerror(error) + "; " + std::to_string(group.pending.size()) +
             " bytes of log events dropped");
  } else {
    group.written += group.pending.size();
  }
  group.pending.clear();
}

void LogStore::seal_active(Group& group) {
  if (group.segments.empty() || group.segments.back().sealed) return;
  write_pending(group);
  LogSegment& segment = group.segments.back();
  if (group.active_fd >= 0) {
    ::fsync(group.active_fd);
    ::close(group.active_fd);
    group.active_fd = -1;
  }
  segment.sealed = true;
  if (auto ok = write_file_atomic(group.segment_path(segment.summary.seq, ".idx"), encode_summary(segment.summary), 0600); !ok) {
    log_warn("log store: " + ok.error().message + " (the segment is scanned at the next start instead)");
  }
}

void LogStore::drop_segment(Group& group, std::size_t index) {
  const std::uint64_t seq = group.segments[index].summary.seq;
  if (index + 1 == group.segments.size() && !group.segments[index].sealed) {
    if (group.active_fd >= 0) ::close(group.active_fd);
    group.active_fd = -1;
    group.pending.clear();
    group.written = 0;
  }
  std::map<std::uint32_t, std::uint64_t> counts;
  for (const auto& [id, range] : group.segments[index].summary.streams) counts[id] = range.count;
  group.dropped.emplace_back(seq, std::move(counts));
  if (group.dropped.size() > k_dropped_segments_remembered) group.dropped.pop_front();
  ::unlink(group.segment_path(seq, ".seg").c_str());
  ::unlink(group.segment_path(seq, ".idx").c_str());
  group.segments.erase(group.segments.begin() + static_cast<std::ptrdiff_t>(index));
}

void LogStore::enforce_limits() {
  const EpochMs now = m_clock.now_ms();
  std::uint64_t total = 0;
  for (auto& [name, group] : m_groups) {
    const auto cutoff = group->cutoff(now);
    for (std::size_t i = 0; i < group->segments.size();) {
      const SegmentSummary& summary = group->segments[i].summary;
      if ((cutoff && !summary.empty() && summary.max_ts < *cutoff) || (summary.empty() && group->segments[i].sealed)) {
        drop_segment(*group, i);
      } else {
        total += summary.bytes;
        ++i;
      }
    }
  }
  // The cap: the segment holding the oldest events goes first, whichever group it is in.
  while (total > m_options.max_bytes) {
    Group* oldest_group = nullptr;
    std::size_t oldest = 0;
    for (auto& [name, group] : m_groups) {
      for (std::size_t i = 0; i < group->segments.size(); ++i) {
        const SegmentSummary& summary = group->segments[i].summary;
        if (summary.empty()) continue;
        if (!oldest_group || summary.min_ts < oldest_group->segments[oldest].summary.min_ts) {
          oldest_group = group.get();
          oldest = i;
        }
      }
    }
    if (!oldest_group) break;
    total -= oldest_group->segments[oldest].summary.bytes;
    drop_segment(*oldest_group, oldest);
  }
}

void LogStore::flush() {
  MutexLock lock(m_mutex);
  bool wrote = false;
  for (auto& [name, group] : m_groups) {
    wrote = wrote || !group->pending.empty();
    write_pending(*group);
  }
  if (wrote) enforce_limits();
}

bool LogStore::has_pending() {
  MutexLock lock(m_mutex);
  return std::ranges::any_of(m_groups, [](const auto& entry) { return !entry.second->pending.empty(); });
}

SourceCursor LogStore::source_cursor(const std::string& group_name, const std::string& stream) {
  MutexLock lock(m_mutex);
  SourceCursor cursor;
  const Group* group = find(group_name);
  if (!group) return cursor;
  const auto id = group->stream_ids.find(stream);
  if (id == group->stream_ids.end()) return cursor;
  for (const auto& segment : group->segments) {
    const auto range = segment.summary.streams.find(id->second);
    if (range == segment.summary.streams.end()) continue;
    if (range->second.last_source_ns > cursor.ns) {
      cursor = SourceCursor{range->second.last_source_ns, range->second.at_last_source_ns};
    } else if (range->second.last_source_ns == cursor.ns && cursor.ns != 0) {
      cursor.count += range->second.at_last_source_ns;
    }
  }
  return cursor;
}

std::optional<LogGroupExtent> LogStore::extent(const std::string& group_name) {
  MutexLock lock(m_mutex);
  const Group* group = find(group_name);
  if (!group) return std::nullopt;
  LogGroupExtent out{group->created, {group->next_seq, 0}, {group->next_seq, 0}};
  if (!group->segments.empty()) {
    const LogSegment& last = group->segments.back();
    out.first = {group->segments.front().summary.seq, 0};
    out.written_end = {last.summary.seq, last.sealed ? last.summary.bytes : group->written};
  }
  return out;
}

DroppedEvents LogStore::dropped_events(const std::string& group_name, const std::string& stream, LogPosition from) {
  MutexLock lock(m_mutex);
  DroppedEvents out;
  const Group* group = find(group_name);
  if (!group) return out;
  const auto id = group->stream_ids.find(stream);
  if (id == group->stream_ids.end()) return out;
  for (const auto& [seq, counts] : group->dropped) {
    const auto count = counts.find(id->second);
    if (seq < from.seq || count == counts.end()) continue;
    out.at_most += count->second;
    if (seq > from.seq || from.offset == 0) out.at_least += count->second;
  }
  return out;
}

std::uint64_t LogStore::stored_bytes() {
  MutexLock lock(m_mutex);
  std::uint64_t total = 0;
  for (const auto& [name, group] : m_groups) {
    for (const auto& segment : group->segments) total += segment.summary.bytes;
  }
  return total;
}

}  // namespace berth::store
