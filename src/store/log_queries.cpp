// The LogStore's reads: GetLogEvents (a stream, forwards or backwards from a token) and
// FilterLogEvents (a group's events in storage order). What they read is copied under the mutex
// (paths, sizes, summaries, pending bytes); the files are read without it, so a long filter never
// holds up the containers' writes. A segment deleted meanwhile (retention, the cap) reads as empty.
#include <algorithm>

#include "common/files.hpp"
#include "store/log_group.hpp"
#include "store/log_store.hpp"

namespace berth::store {
namespace {

// At most this much is read by one FilterLogEvents call; past it the page ends with a nextToken,
// as CloudWatch's pages may.
constexpr std::uint64_t k_max_filter_scan = 64ull << 20;

using Segment = LogStore::ReadView::Segment;

// The segment's bytes in [begin, end) (its file's, then its pending ones): only what a read
// scans, so a token near the end of a segment (a reader following a stream) reads little.
std::string segment_bytes(const Segment& segment, std::uint64_t begin, std::uint64_t end = UINT64_MAX) {
  end = std::min<std::uint64_t>(end, segment.file_bytes + segment.pending.size());
  if (begin >= end) return {};
  std::string bytes;
  if (begin < segment.file_bytes) {
    const std::uint64_t want = std::min(end, segment.file_bytes) - begin;
    auto file = read_file_range(segment.path, begin, static_cast<std::size_t>(want));
    if (!file) return {};
    bytes = std::move(*file);
    if (bytes.size() < want) return bytes;  // cut short meanwhile: pending would not follow on
  }
  if (end > segment.file_bytes) {
    const std::uint64_t from = std::max(begin, segment.file_bytes) - segment.file_bytes;
    bytes.append(std::string_view(segment.pending).substr(from, end - segment.file_bytes - from));
  }
  return bytes;
}

LogPosition after(std::uint64_t seq, std::uint64_t offset, const LogRecord& record) {
  return {seq, offset + k_log_record_overhead + record.message.size()};
}

bool in_range(EpochMs ts, const std::optional<EpochMs>& start, const std::optional<EpochMs>& end,
              const std::optional<EpochMs>& cutoff) {
  return (!cutoff || ts >= *cutoff) && (!start || ts >= *start) && (!end || ts < *end);
}

// Whether `summary` may hold events of `stream` (0 = any) in [start, end).
bool may_hold(const SegmentSummary& summary, std::uint32_t stream, const std::optional<EpochMs>& start,
              const std::optional<EpochMs>& end) {
  if (summary.empty()) return false;
  EpochMs first = summary.min_ts, last = summary.max_ts;
  if (stream != 0) {
    const auto range = summary.streams.find(stream);
    if (range == summary.streams.end()) return false;
    first = range->second.first, last = range->second.last;
  }
  return (!start || last >= *start) && (!end || first < *end);
}

StoredLogEvent stored(const std::string& stream, const LogRecord& record, LogPosition position) {
  return {stream, record.timestamp, record.ingestion, std::string(record.message), position};
}

}  // namespace

Result<LogStore::ReadView> LogStore::view(const std::string& group_name, ReadReach reach) {
  MutexLock lock(m_mutex);
  BERTH_ASSIGN(Group * group, find_or_fail(group_name));
  ReadView out;
  out.cutoff = group->cutoff(m_clock.now_ms());
  for (const auto& [id, entry] : group->streams) out.stream_names[id] = entry.name;
  out.stream_ids = group->stream_ids;
  for (const auto& segment : group->segments) {
    const bool active = &segment == &group->segments.back() && !segment.sealed;
    out.segments.push_back(ReadView::Segment{segment.summary.seq, group->segment_path(segment.summary.seq, ".seg"),
                                             active ? group->written : segment.summary.bytes,
                                             active && reach == ReadReach::pending ? group->pending : std::string(),
                                             segment.summary});
  }
  return out;
}

Result<StreamEventsPage> LogStore::stream_events(const std::string& group, const std::string& stream,
                                                 const StreamEventsQuery& q) {
  BERTH_ASSIGN(const ReadView view, this->view(group, q.reach));
  const auto id_it = view.stream_ids.find(stream);
  if (id_it == view.stream_ids.end()) return fail(Code::resource_not_found, "The specified log stream does not exist.");
  const std::uint32_t id = id_it->second;
  const auto visible = [&](const LogRecord& r) { return r.stream == id && in_range(r.timestamp, q.start, q.end, view.cutoff); };
  const LogPosition end_of_data =
      view.segments.empty() ? LogPosition{} : LogPosition{view.segments.back().seq, view.segments.back().file_bytes + view.segments.back().pending.size()};
  StreamEventsPage page;
  std::size_t bytes = 0;
  if (q.from || (q.from_head && !q.before)) {
    const LogPosition from = q.from.value_or(LogPosition{});
    page.forward = page.backward = from;
    bool full = false;
    for (const auto& segment : view.segments) {
      if (full) break;
      if (segment.seq < from.seq || !may_hold(segment.summary, id, q.start, q.end)) continue;
      const std::uint64_t begin = segment.seq == from.seq ? from.offset : 0;
      scan_log_records(segment_bytes(segment, begin), begin, [&](const LogRecord& r, std::uint64_t offset) {
        if (!visible(r)) return true;
        if (page.events.size() >= q.limit || (bytes + r.message.size() > q.max_bytes && !page.events.empty())) {
          full = true;
          return false;
        }
        bytes += r.message.size();
        page.events.push_back(stored(stream, r, {segment.seq, offset}));
        page.forward = after(segment.seq, offset, r);
        return true;
      });
    }
    // With nothing new the token stays as given: the AWS CLI reads that as the stream's end.
    if (!page.events.empty()) page.backward = page.events.front().position;
    return page;
  }
  // Backwards: the last events before `before` (the end when none), in storage order.
  const LogPosition before = q.before.value_or(LogPosition{UINT64_MAX, UINT64_MAX});
  std::vector<StoredLogEvent> newest_first;
  for (auto segment = view.segments.rbegin(); segment != view.segments.rend(); ++segment) {
    if (newest_first.size() >= q.limit || bytes >= q.max_bytes) break;
    if (segment->seq > before.seq || !may_hold(segment->summary, id, q.start, q.end)) continue;
    // Records are found from the segment's start, so it is read up to `before` only.
    const std::string data = segment_bytes(*segment, 0, segment->seq == before.seq ? before.offset : UINT64_MAX);
    std::vector<StoredLogEvent> in_segment;
    scan_log_records(data, 0, [&](const LogRecord& r, std::uint64_t offset) {
      if (LogPosition{segment->seq, offset} >= before) return false;
      if (visible(r)) in_segment.push_back(stored(stream, r, {segment->seq, offset}));
      return true;
    });
    for (auto event = in_segment.rbegin(); event != in_segment.rend(); ++event) {
      if (newest_first.size() >= q.limit || (bytes + event->message.size() > q.max_bytes && !newest_first.empty())) break;
      bytes += event->message.size();
      newest_first.push_back(std::move(*event));
    }
  }
  page.events.assign(std::make_move_iterator(newest_first.rbegin()), std::make_move_iterator(newest_first.rend()));
  if (page.events.empty()) {
    page.forward = q.before ? before : end_of_data;
    page.backward = q.before ? before : LogPosition{};
  } else {
    const auto& last = page.events.back();
    page.forward = {last.position.seq, last.position.offset + k_log_record_overhead + last.message.size()};
    page.backward = page.events.front().position;
  }
  return page;
}

Result<FilterPage> LogStore::filter_events(const std::string& group, const FilterQuery& q) {
  BERTH_ASSIGN(const ReadView view, this->view(group, ReadReach::pending));
  std::vector<std::uint32_t> wanted;  // empty = every stream
  for (const auto& [name, id] : view.stream_ids) {
    const bool named = std::ranges::find(q.streams, name) != q.streams.end();
    if (named || (!q.stream_prefix.empty() && name.starts_with(q.stream_prefix))) wanted.push_back(id);
  }
  const bool every_stream = q.streams.empty() && q.stream_prefix.empty();
  FilterPage page;
  if (!every_stream && wanted.empty()) return page;
  const LogPosition from = q.from.value_or(LogPosition{});
  std::uint64_t scanned = 0;
  std::size_t bytes = 0;
  for (const auto& segment : view.segments) {
    if (segment.seq < from.seq) continue;
    const bool relevant = every_stream ? may_hold(segment.summary, 0, q.start, q.end)
                                       : std::ranges::any_of(wanted, [&](std::uint32_t id) { return may_hold(segment.summary, id, q.start, q.end); });
    if (!relevant) continue;
    if (scanned >= k_max_filter_scan) {
      page.next = LogPosition{segment.seq, 0};
      return page;
    }
    const std::uint64_t begin = segment.seq == from.seq ? from.offset : 0;
    const std::string data = segment_bytes(segment, begin);
    scanned += data.size();
    scan_log_records(data, begin, [&](const LogRecord& r, std::uint64_t offset) {
      if (!in_range(r.timestamp, q.start, q.end, view.cutoff)) return true;
      if (!every_stream && std::ranges::find(wanted, r.stream) == wanted.end()) return true;
      if (q.match && !q.match(r.message)) return true;
      if (page.events.size() >= q.limit || (bytes + r.message.size() > (1u << 20) && !page.events.empty())) {
        page.next = LogPosition{segment.seq, offset};
        return false;
      }
      const auto name = view.stream_names.find(r.stream);
      bytes += r.message.size();
      page.events.push_back(stored(name == view.stream_names.end() ? "" : name->second, r, {segment.seq, offset}));
      return true;
    });
    if (page.next) return page;
  }
  return page;
}

}  // namespace berth::store
