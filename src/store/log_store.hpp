// The gateway's CloudWatch Logs store: log groups, their streams and events, kept in append-only
// segment files under <data-dir>/cloudwatch-logs, apart from berth.db. Thread-safe (one mutex;
// reads copy what they need under it and read the files without it).
//
// Why segments and not a table in berth.db: an event is written once, in order, and deleted only
// with its neighbours (retention, the size cap), which is what an append-only file does with the
// least flash wear. A row in SQLite (WAL, synchronous=FULL) costs a 4 KiB page or more in the WAL
// per commit, again at the checkpoint, plus its index pages, and deleting old rows rewrites pages
// too: tens of bytes written per byte logged at a line a second, where a segment writes each
// byte once (the kernel's writeback gathers small appends into pages). Deleting a whole segment
// writes nothing but the directory entry.
//
// Layout: cloudwatch-logs/g<N>/ per group: `group` (name, creation, retention; replaced
// atomically), `streams` (one line per stream: id, creation, name; appended, fsynced, as streams
// are rare), <seq>.seg (records: store/log_segment.hpp) and, for a sealed segment, <seq>.idx (its
// summary, so a start reads only each group's newest segment).
//
// Durability and flash budget: appended events wait in memory (per group) until flush() (the
// log ingester calls it a second after the first pending event), or until a group has
// k_log_flush_bytes pending; then one write(2), no fsync. A segment is fsynced once, when sealed
// at `segment_bytes`. So nothing is written while nothing logs, and a power cut loses at most the
// last second plus what the kernel had not written back (vm.dirty_expire_centisecs, 30 s by
// default); container output lost that way is read again from the shim's log at the next start
// where that file survived. A crash of berth alone loses only the unflushed second, and that is
// read again from the shim's log. Retention (per group, days) and the total cap (max_bytes) drop
// whole segments, oldest events first; reads hide events past their group's retention at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "store/log_segment.hpp"

namespace berth::store {

inline constexpr std::size_t k_log_flush_bytes = 64 * 1024;
inline constexpr std::size_t k_max_log_groups = 1000;
inline constexpr std::size_t k_max_log_streams_per_group = 10000;

struct LogStoreOptions {
  std::string dir;                          // <data-dir>/cloudwatch-logs
  std::uint64_t max_bytes = 64ull << 20;    // BERTH_LOGS_MAX_BYTES
  // A segment is sealed at this size: max_bytes / 16 within [4 KiB, 4 MiB] when 0, so the cap
  // drops at most a sixteenth of the logs at a time.
  std::size_t segment_bytes = 0;
};

struct LogEvent {
  EpochMs timestamp = 0;
  std::string message;
  std::int64_t source_ns = 0;  // see LogRecord
};

// Where an event is stored: segments are numbered in order, so (seq, offset) orders a group's
// events as they were stored.
struct LogPosition {
  std::uint64_t seq = 0;
  std::uint64_t offset = 0;
  auto operator<=>(const LogPosition&) const = default;
};

struct StoredLogEvent {
  std::string stream;
  EpochMs timestamp = 0;
  EpochMs ingestion = 0;
  std::string message;
  LogPosition position;
};

struct LogGroupInfo {
  std::string name;
  EpochMs created = 0;
  std::optional<int> retention_days;
  std::uint64_t stored_bytes = 0;
};

struct LogStreamInfo {
  std::string name;
  EpochMs created = 0;
  std::optional<EpochMs> first_event, last_event, last_ingestion;
  std::uint64_t stored_bytes = 0;
};

// How far a container's output was stored: skip source lines at or before `ns` (the `count`
// first of those at exactly `ns`).
struct SourceCursor {
  std::int64_t ns = 0;
  std::uint32_t count = 0;
};

// What a read sees: every event stored, or only those already in the segment files (a
// forwarder's reads: an event waiting for flush() is lost by a crash of berth and stored again,
// at another position, from the shim's log, so its position is not yet one to remember).
enum class ReadReach { pending, written };

struct StreamEventsQuery {
  std::optional<EpochMs> start{}, end{};  // [start, end)
  ReadReach reach = ReadReach::pending;
  bool from_head = false;
  std::optional<LogPosition> from{};    // a forward token: events stored at or after it
  std::optional<LogPosition> before{};  // a backward token: the last events stored before it
  std::size_t limit = 10000;
  std::size_t max_bytes = 1 << 20;    // messages per page, as CloudWatch's 1 MB
};

struct StreamEventsPage {
  std::vector<StoredLogEvent> events;
  LogPosition forward;   // where the next forward page starts
  LogPosition backward;  // before which the next backward page ends
};

struct FilterQuery {
  std::vector<std::string> streams{};  // empty = every stream
  std::string stream_prefix{};
  std::optional<EpochMs> start{}, end{};
  std::optional<LogPosition> from{};   // nextToken
  std::size_t limit = 10000;
  std::function<bool(std::string_view)> match{};  // null = every event
};

struct FilterPage {
  std::vector<StoredLogEvent> events;
  std::optional<LogPosition> next;  // more may follow from here
};

// How far a group's segments reach: a position before `first` names a deleted segment.
struct LogGroupExtent {
  EpochMs created = 0;        // tells a group from one deleted and made again under its name
  LogPosition first;          // the oldest segment's start
  LogPosition written_end;    // the end of what the segment files hold (pending events aside)
};

// How many events of a stream the cap or retention deleted from a position on: whole segments
// after the position's own are counted exactly, the position's own segment wholly (its records'
// offsets are gone with it), hence a range.
struct DroppedEvents {
  std::uint64_t at_least = 0, at_most = 0;
};

// How many deleted segments' per-stream counts a group remembers, for dropped_events().
inline constexpr std::size_t k_dropped_segments_remembered = 64;

enum class Flush { batched, now };
enum class MissingStream { refuse, create };

class LogStore {
 public:
  // Opens (making) options.dir and reads each group: its sealed segments' summaries and its
  // newest segment unless that is sealed too, cut at the first broken record. ServerException if the directory cannot be
  // made or read.
  [[nodiscard]] static Result<std::unique_ptr<LogStore>> open(LogStoreOptions options, const Clock& clock);
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // ResourceAlreadyExistsException if it exists; LimitExceededException past k_max_log_groups.
  [[nodiscard]] Result<void> create_group(const std::string& name) BERTH_EXCLUDES(m_mutex);
  // Returns whether a group of that name exists.
  [[nodiscard]] bool has_group(const std::string& name) BERTH_EXCLUDES(m_mutex);
  // Deletes the group, its streams and events. ResourceNotFoundException if there is none.
  [[nodiscard]] Result<void> delete_group(const std::string& name) BERTH_EXCLUDES(m_mutex);
  // Sets (nothing = removes) the group's retention and applies it. ResourceNotFoundException.
  [[nodiscard]] Result<void> put_retention(const std::string& name, std::optional<int> days) BERTH_EXCLUDES(m_mutex);
  // Every group whose name starts with `prefix`, by name.
  std::vector<LogGroupInfo> groups(const std::string& prefix) BERTH_EXCLUDES(m_mutex);

  // ResourceNotFoundException (group), ResourceAlreadyExistsException (stream).
  [[nodiscard]] Result<void> create_stream(const std::string& group, const std::string& stream) BERTH_EXCLUDES(m_mutex);
  // The group's streams by name. ResourceNotFoundException.
  [[nodiscard]] Result<std::vector<LogStreamInfo>> streams(const std::string& group) BERTH_EXCLUDES(m_mutex);

  // Stores `events` in `stream` (made first with MissingStream::create). Messages over
  // k_max_log_message are cut there. Flush::now writes them before returning (no fsync).
  // ResourceNotFoundException for a missing group, or stream with MissingStream::refuse.
  [[nodiscard]] Result<void> append(const std::string& group, const std::string& stream, std::span<const LogEvent> events,
                                    Flush flush, MissingStream missing) BERTH_EXCLUDES(m_mutex);
  // Writes every group's pending events, then applies retention and the cap.
  void flush() BERTH_EXCLUDES(m_mutex);
  // Whether events wait for flush().
  bool has_pending() BERTH_EXCLUDES(m_mutex);
  // How far the container output stored in `stream` reaches (zero when nothing is stored).
  SourceCursor source_cursor(const std::string& group, const std::string& stream) BERTH_EXCLUDES(m_mutex);

  // GetLogEvents. ResourceNotFoundException for a missing group or stream.
  [[nodiscard]] Result<StreamEventsPage> stream_events(const std::string& group, const std::string& stream,
                                                       const StreamEventsQuery& query) BERTH_EXCLUDES(m_mutex);
  // FilterLogEvents, in storage order; scans at most k_max_filter_scan bytes per call (a page may
  // then be short, with `next`). ResourceNotFoundException for a missing group.
  [[nodiscard]] Result<FilterPage> filter_events(const std::string& group, const FilterQuery& query) BERTH_EXCLUDES(m_mutex);

  // The group's extent; nothing for a missing group.
  std::optional<LogGroupExtent> extent(const std::string& group) BERTH_EXCLUDES(m_mutex);
  // The events of `stream` deleted (cap, retention) at or after `from`, among the last
  // k_dropped_segments_remembered segments the group lost since this LogStore was opened.
  DroppedEvents dropped_events(const std::string& group, const std::string& stream, LogPosition from) BERTH_EXCLUDES(m_mutex);

  // Bytes stored (events and their record headers, pending ones included).
  std::uint64_t stored_bytes() BERTH_EXCLUDES(m_mutex);

  struct Group;
  struct ReadView;

 private:
  LogStore(LogStoreOptions options, const Clock& clock);
  Result<void> load() BERTH_EXCLUDES(m_mutex);
  Group* find(const std::string& name) BERTH_REQUIRES(m_mutex);
  Result<Group*> find_or_fail(const std::string& name) BERTH_REQUIRES(m_mutex);
  void write_pending(Group& group) BERTH_REQUIRES(m_mutex);
  void seal_active(Group& group) BERTH_REQUIRES(m_mutex);
  void drop_segment(Group& group, std::size_t index) BERTH_REQUIRES(m_mutex);
  void enforce_limits() BERTH_REQUIRES(m_mutex);
  Result<ReadView> view(const std::string& group, ReadReach reach) BERTH_EXCLUDES(m_mutex);

  const LogStoreOptions m_options;
  const Clock& m_clock;
  Mutex m_mutex;
  std::map<std::string, std::unique_ptr<Group>> m_groups BERTH_GUARDED_BY(m_mutex);
  std::uint64_t m_next_group_id BERTH_GUARDED_BY(m_mutex) = 1;
};

}  // namespace berth::store
