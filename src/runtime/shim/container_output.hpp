// Where the shim puts what a container prints, by its logConfiguration's driver: the rotated file
// (LogWriter; json-file and awslogs), nothing (none: no file, as Docker), or the host's syslog or
// journald over a socket, each line formatted as Docker's driver formats it. Socket sinks keep
// Docker's delivery modes through a LogBuffer: non-blocking drops what max-buffer-size cannot
// hold, counts it and says so in the sink once it takes lines again; blocking makes taking() false
// while the receiver lags, so the shim stops reading and the container's writes wait. A connection
// that breaks, or whose receiver closes it (a restart), is dialled again at once, then after 250 ms,
// doubling up to 10 s between tries (Docker's syslog driver redials too); meanwhile lines wait in
// the buffer as for a lagging receiver: non-blocking drops and counts what does not fit. A redial's
// TCP connect (5 s at most) and TLS handshake (5 s) go on from the shim's poll loop, so a receiver
// host that does not answer never holds a non-blocking container (only a host name's lookup waits
// for the resolver). The first connection, before the container starts, is waited for.
// The lines a stream's kernel buffer took before the connection broke are lost without a count
// (as with Docker); a receiver that closes its end is seen before the next line is sent. The file of an awslogs container in blocking mode
// does not rotate away what the log ingester has not read (it reports the time of the last record
// it took in ContainerLogging::progress_path): the file is held, taking() is false, and it is looked at again
// every 100 ms until the ingester has moved on; in non-blocking mode it rotates anyway, and the
// lines it deletes unread are counted and said in a notice line in the file (as the socket sinks
// say theirs). Not thread-safe (the shim's one thread).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "runtime/container_logging.hpp"
#include "runtime/shim/host_log_format.hpp"
#include "runtime/shim/log_buffer.hpp"
#include "runtime/shim/log_socket.hpp"
#include "runtime/shim/log_writer.hpp"

namespace berth::runtime {

struct FileLogSettings {
  std::string path;
  std::size_t max_bytes = 1 << 20;
  int keep_files = 2;
};

// Whether the reader that reports in `progress_path` the shim time (ns) of the last record it took
// is done with the file a rotation of `log_path` would delete (<log_path>.<keep_files>): there is
// none, or the reader's time is at or past that file's last record. No report (the reader has not
// started): no. Times, not inodes: a deleted file's inode number is soon another file's.
bool reader_done_with_oldest(const std::string& log_path, int keep_files, const std::string& progress_path);

// The lines of the shim's log file at `path` that the reader reporting in `progress_path` has not
// taken (records newer than its report; all of them without one), with their text's bytes.
LogBuffer::Drops unread_lines(const std::string& path, const std::string& progress_path);

class ContainerOutput {
 public:
  // Opens the sink `logging` names for the container `runtime_id` (the file only for the file
  // sink). A socket that cannot be reached, or journald's socket missing, is an error the start
  // fails with (Docker: "failed to initialize logging driver: ...").
  [[nodiscard]] static Result<std::unique_ptr<ContainerOutput>> open(const ContainerLogging& logging, const FileLogSettings& file,
                                                                     const std::string& runtime_id);
  ~ContainerOutput();

  // Takes output of `stream`: whole lines become messages; a line longer than 16 KiB is cut into
  // messages of that size (Docker's copier's buffer).
  void write(LogStream stream, std::string_view data);
  // False while a blocking sink lags: the caller reads none of the container's output meanwhile.
  bool taking() const;
  // Adds the socket (POLLOUT) while messages wait, so on_ready() runs when it can take more.
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // Milliseconds until a reconnect is due, or -1.
  int timeout_ms() const;
  // Sends what the socket takes and dials again when due; call after every poll.
  void on_ready();
  // At the end: sends the cut lines left, waits at most `wait` for the receiver to take the
  // backlog, counts the rest as dropped, flushes the file.
  void finish(std::chrono::milliseconds wait);
  // Messages dropped in all (non-blocking's full buffer, a receiver gone at the end; for an
  // awslogs file in non-blocking mode, the lines a rotation deleted before the ingester read them).
  std::uint64_t dropped() const { return (m_buffer ? m_buffer->dropped_total() : 0) + m_file_dropped_total; }

 private:
  ContainerOutput() = default;
  void queue(bool error, std::string_view line, bool partial);
  // Queues a notice of the drops not yet reported; false when there were none.
  bool report_drops();
  void send_backlog();
  // Writes a notice of the file's unreported drops into the file.
  void report_file_drops();

  ContainerLogging m_logging;
  std::unique_ptr<LogWriter> m_file;
  LogBuffer::Drops m_file_drops;  // count_unread: lost unread since the last notice
  std::uint64_t m_file_dropped_total = 0;
  bool m_file_line_open[2] = {false, false};  // per stream: the file's last record of it is partial (P)
  std::optional<LogSocket> m_socket;
  std::optional<LogBuffer> m_buffer;
  std::size_t m_sent_offset = 0;  // of the front message, on a stream socket
  SyslogHeader m_syslog;
  JournalFields m_journal;
  std::string m_pending[2];  // a line's start per stream (stdout, stderr), waiting for its end
  // Drops the connection and schedules the next dial: at once after a connection that carried
  // lines, else after m_redial_delay (which doubles up to its bound).
  void lose_connection();
  void schedule_redial();
  std::optional<std::chrono::steady_clock::time_point> m_redial_at;
  std::chrono::milliseconds m_redial_delay{0};
};

}  // namespace berth::runtime
