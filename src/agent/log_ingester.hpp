// Feeds the CloudWatch Logs store from the containers whose logConfiguration is awslogs. The
// shims keep writing every container's output to their rotated log files (the shim stays as
// small as it was and never waits on berth); this thread follows those files: an inotify watch on
// the log directory wakes it when a shim writes, it reads the new whole records from where it
// stopped, and appends them, batched, to the group and stream the task definition names
// (`<prefix>/<container>/<task id>`, as ECS builds them; the group is made first when
// awslogs-create-group is true). With awslogs-datetime-format or awslogs-multiline-pattern, the
// lines after a line that starts an event are joined to it (with "\n"), as Docker's driver does:
// the event is stored when the next one starts, or a flush interval after its last line. A
// second after the first batched event it flushes the store, so nothing is written while nothing
// logs. After a restart of berth, each stream resumes after the last stored line (its shim time,
// store::SourceCursor), from the rotated files too, so no line is lost or stored twice while the
// shim's files still hold it. Both modes (blocking, non-blocking) behave alike: the shim's file is
// the buffer, so a container never blocks on the store; a container printing faster than this
// thread stores (a flood of over a million short lines a second) can outrun the shim's few MiB
// of rotated files, and what they no longer hold is lost. One thread of its own; start() and
// stop() are called from one thread. After each read that moved on, this thread writes how far it
// got (the shim time of the last record it took) to the container's state directory (tmpfs, not
// flash): a blocking awslogs container's shim does not rotate away what this thread has not read
// (the container waits while it lags, while berth is down, or while its group does not exist); a
// non-blocking one's shim counts the lines it rotates away unread as dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/log_configuration.hpp"
#include "model/log_line_start.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "store/log_store.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct LogIngesterOptions {
  std::string log_root;   // the shims' log directory (RuncPaths::log_root)
  // The containers' state directories (RuncPaths::state_root), where a blocking awslogs
  // container's shim reads how far this thread has read its file (runtime::k_log_progress_file).
  std::string state_root;
  std::string cluster;    // the local agent's cluster, whose tasks the files belong to
  int keep_files = 2;     // rotated files the shims keep beside the current one
  int flush_ms = 1000;    // how long a batched event waits for a write at most
};

class LogIngester {
 public:
  LogIngester(LogIngesterOptions options, store::Store& state, store::LogStore& logs);
  ~LogIngester();
  LogIngester(const LogIngester&) = delete;
  LogIngester& operator=(const LogIngester&) = delete;

  // Watches the log directory, reads what the existing files hold past each stream's cursor,
  // and starts the thread. An error (no inotify) leaves nothing running; awslogs streams then
  // get nothing (logged).
  [[nodiscard]] Result<void> start();
  // Ends and joins the thread, then stores the multi-line events being joined and flushes the
  // log store. Idempotent.
  void stop();

  // Reads the new records of the log file `file_name` (in log_root) into the store; returns how
  // many bytes of the file it read. For tests and the thread; not thread-safe with the thread
  // running.
  std::size_t ingest(const std::string& file_name);

 private:
  // One followed log file.
  struct Source {
    bool resolved = false;   // the task was looked up (found or not)
    bool awslogs = false;
    model::AwsLogsOptions options;
    std::string stream;
    bool group_warned = false;
    bool waiting_for_group = false;  // its group does not exist yet: looked at again every second
    std::int64_t told_ns = -1;  // the progress last written for its shim (runtime::k_log_progress_file)
    runtime::UniqueFd progress;  // that file, kept open
    // The newest file read that holds a record (never an empty one: its inode number alone would
    // not tell it from a newer file given the number once it is rotated away), up to `offset`.
    std::uint64_t inode = 0;
    std::int64_t first_ns = 0;  // that file's first record's shim time
    std::uint64_t offset = 0;
    store::SourceCursor cursor;  // lines at or before it are stored already
    std::uint32_t seen_at_cursor = 0;  // lines stamped cursor.ns met by this replay
    bool replaying = false;            // reading history again from the start of the files
    std::string partial;          // text of P records waiting for their F
    // Multi-line events (awslogs-datetime-format, awslogs-multiline-pattern): the event being
    // joined waits for the next line that starts one, or flush_ms without a line.
    std::optional<model::LineStartMatcher> line_start;
    std::optional<store::LogEvent> joining;
    std::chrono::steady_clock::time_point joined_at;
  };

  void run();
  // Reads the queued inotify events: the log files written go to `names`, a deleted one's source
  // is forgotten. False when the descriptor failed.
  bool drain(std::set<std::string>& names);
  void forget(const std::string& runtime_id);
  // Adds one whole line to `events`, or to the multi-line event being joined.
  void take_line(Source& source, std::string line, std::int64_t ns, std::vector<store::LogEvent>& events);
  // Stores the multi-line events that waited flush_ms (all of them with `all`); returns when the
  // next one is due, if any waits.
  std::optional<std::chrono::steady_clock::time_point> store_joined(bool all);
  void resolve(const std::string& runtime_id, Source& source);
  // Appends the whole records of `bytes` (a file's text from some offset); returns the bytes used.
  std::size_t take_records(Source& source, std::string_view bytes, std::vector<store::LogEvent>& events);
  // Reads the file open at `fd` from `offset` to its end into `events`; returns the new offset.
  std::uint64_t read_from(Source& source, int fd, std::uint64_t offset, std::vector<store::LogEvent>& events);

  const LogIngesterOptions m_options;
  store::Store& m_state;
  store::LogStore& m_logs;
  std::map<std::string, Source> m_sources;  // by runtime id; the thread's
  runtime::UniqueFd m_inotify;
  runtime::UniqueFd m_stop;
  std::thread m_thread;
};

}  // namespace berth::agent
