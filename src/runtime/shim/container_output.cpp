#include "runtime/shim/container_output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "common/clock.hpp"
#include "common/files.hpp"
#include "common/numbers.hpp"
#include "model/host_log_drivers.hpp"
#include "runtime/shim/log_record.hpp"

namespace berth::runtime {
namespace {

// Docker's copier reads 16 KiB at most into one message; a longer line goes as several.
constexpr std::size_t k_max_line = 16 * 1024;
// Blocking mode's backlog before the container's output waits: a few lines' worth, so a lagging
// receiver stops the container soon and the shim's memory stays small.
constexpr std::size_t k_blocking_backlog = 64 * 1024;
// The bounded backoff between dials of a lost receiver: from the first failed try to the longest wait.
constexpr std::chrono::milliseconds k_redial_first{250};
constexpr std::chrono::milliseconds k_redial_max{10'000};
// How often a held file (awslogs, blocking) looks again whether the ingester has read on.
constexpr int k_held_recheck_ms = 100;
// What sets the file's drop notices apart from the container's lines: a notice rotated away unread
// is not counted (the count is of the container's lines; the next notice still says it).
constexpr std::string_view k_file_drop_notice = " of this container's output were dropped: the log ingester had not read them";

// Enough of a log file's end to hold its last whole record (LogWriter's 16 KiB reads, a header).
constexpr std::uint64_t k_record_tail = 20 * 1024;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
  return buffer;
}

}  // namespace

bool reader_done_with_oldest(const std::string& log_path, int keep_files, const std::string& progress_path) {
  if (keep_files <= 0) return true;  // rotation deletes nothing but the file being written
  const std::string oldest = log_path + "." + std::to_string(keep_files);
  // The time of the oldest file's last record: its tail holds it (a record is at most 16 KiB of
  // output and its header).
  struct stat st{};
  if (::stat(oldest.c_str(), &st) != 0) return true;
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t tail = std::min<std::uint64_t>(size, k_record_tail);
  const auto bytes = read_file_range(oldest, size - tail, static_cast<std::size_t>(tail));
  if (!bytes) return true;  // gone meanwhile: nothing left to lose
  std::string_view text = *bytes;
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return true;
  const auto last = parse_shim_log_record(text.substr(text.rfind('\n') == std::string_view::npos ? 0 : text.rfind('\n') + 1));
  if (!last) return true;  // not a record berth wrote: nothing the reader would take
  const auto report = read_file(progress_path);
  if (!report) return false;  // the reader has not started
  const auto reader_ns = parse_integer<std::int64_t>(trim(*report));
  return reader_ns && *reader_ns >= last->ns;
}

LogBuffer::Drops unread_lines(const std::string& path, const std::string& progress_path) {
  std::int64_t reader_ns = -1;  // no report: the reader took nothing yet
  if (const auto report = read_file(progress_path)) reader_ns = parse_integer<std::int64_t>(trim(*report)).value_or(-1);
  LogBuffer::Drops out;
  std::ifstream in(path);
  std::string line;
  bool continued = false;  // a P record came before: the line has text even if its F has none
  while (std::getline(in, line)) {
    const auto record = parse_shim_log_record(line);
    if (!record || record->ns <= reader_ns) continue;
    if (record->stderr_ && record->text.starts_with("berth: ") && record->text.find(k_file_drop_notice) != std::string_view::npos) {
      continue;
    }
    out.bytes += record->text.size();
    // A line counts once, at its end, unless it is empty (the ingester skips those, as Docker's
    // driver does, so they were never going to be events).
    if (!record->partial && (continued || !record->text.empty())) ++out.lines;
    continued = record->partial;
  }
  return out;
}

Result<std::unique_ptr<ContainerOutput>> ContainerOutput::open(const ContainerLogging& logging, const FileLogSettings& file,
                                                               const std::string& runtime_id) {
  std::unique_ptr<ContainerOutput> out(new ContainerOutput());
  out->m_logging = logging;
  switch (logging.sink) {
    case LogSink::none:
      return out;
    case LogSink::file: {
      std::function<bool()> may_rotate;
      if (logging.wait_for_reader && !logging.progress_path.empty()) {
        may_rotate = [path = file.path, keep = file.keep_files, progress = logging.progress_path] {
          return reader_done_with_oldest(path, keep, progress);
        };
      }
      std::function<void(const std::string&)> before_delete;
      if (logging.count_unread && !logging.progress_path.empty()) {
        before_delete = [self = out.get(), progress = logging.progress_path](const std::string& oldest) {
          const auto lost = unread_lines(oldest, progress);
          self->m_file_drops.lines += lost.lines;
          self->m_file_drops.bytes += lost.bytes;
          self->m_file_dropped_total += lost.lines;
        };
      }
      out->m_file = std::make_unique<LogWriter>(file.path, file.max_bytes, file.keep_files, std::move(may_rotate),
                                                std::move(before_delete));
      return out;
    }
    case LogSink::syslog: {
      auto socket = LogSocket::connect(logging.syslog);
      if (!socket) return fail(Code::client, "failed to initialize logging driver: " + socket.error().message);
      out->m_socket = std::move(*socket);
      out->m_syslog = {.facility = logging.syslog.facility, .format = logging.syslog.format, .hostname = host_name(),
                       .tag = logging.tag, .pid = static_cast<int>(::getpid()),
                       .octet_counted = syslog_octet_counted(logging.syslog.transport, logging.syslog.format)};
      break;
    }
    case LogSink::journald: {
      struct stat st{};
      // Docker's check and words: no journal socket, no journald.
      if (::stat(logging.journal_socket.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
        return fail(Code::client, "failed to initialize logging driver: journald is not enabled on this host (no socket at " +
                                      logging.journal_socket + ")");
      }
      auto socket = LogSocket::connect_datagram(logging.journal_socket);
      if (!socket) return fail(Code::client, "failed to initialize logging driver: " + socket.error().message);
      out->m_socket = std::move(*socket);
      out->m_journal = {.tag = logging.tag, .full_id = runtime_id, .name = logging.container_name, .image_name = logging.image_name,
                       .extra = logging.attributes};
      break;
    }
  }
  out->m_buffer.emplace(logging.blocking ? LogDelivery::blocking : LogDelivery::non_blocking,
                        logging.blocking ? k_blocking_backlog : logging.max_buffer_bytes);
  return out;
}

ContainerOutput::~ContainerOutput() = default;

void ContainerOutput::queue(bool error, std::string_view line, bool partial) {
  std::string message = m_logging.sink == LogSink::syslog ? format_syslog(m_syslog, error, line, now_us())
                                                          : format_journal_entry(m_journal, error, partial, line);
  m_buffer->push(std::move(message));
}

void ContainerOutput::write(LogStream stream, std::string_view data) {
  if (m_file) {
    m_file->write(stream, data);
    if (!data.empty()) m_file_line_open[stream == LogStream::stderr_ ? 1 : 0] = data.back() != '\n';
    report_file_drops();
    return;
  }
  if (!m_buffer) return;  // none
  const bool error = stream == LogStream::stderr_;
  std::string& pending = m_pending[error ? 1 : 0];
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const std::string_view piece = data.substr(0, newline);
    pending.append(piece);
    while (pending.size() >= k_max_line) {
      queue(error, std::string_view(pending).substr(0, k_max_line), true);
      pending.erase(0, k_max_line);
    }
    if (newline == std::string_view::npos) break;
    // Docker's drivers skip empty lines.
    if (!pending.empty()) queue(error, pending, false);
    pending.clear();
    data.remove_prefix(newline + 1);
    // One read holds up to 16 KiB of lines: send as the buffer fills, so a small max-buffer-size
    // drops only what the receiver cannot take, not what one read brought at once.
    if (m_buffer->bytes() >= m_buffer->max_bytes() / 2) send_backlog();
  }
  send_backlog();
}

bool ContainerOutput::taking() const {
  if (m_file) return !m_file->held();
  return !m_buffer || !m_buffer->full();
}

void ContainerOutput::add_poll_fds(std::vector<pollfd>& fds) const {
  if (!m_socket || !m_buffer) return;
  if (m_socket->connecting()) {
    fds.push_back({m_socket->fd(), m_socket->poll_events(), 0});
    return;
  }
  // A stream is watched for its receiver closing it even while nothing waits, so the shim dials
  // again before the next line rather than losing it to the closed connection.
  const short events = static_cast<short>((m_socket->stream() ? POLLRDHUP : 0) | (m_buffer->empty() ? 0 : POLLOUT));
  if (events != 0) fds.push_back({m_socket->fd(), events, 0});
}

int ContainerOutput::timeout_ms() const {
  if (m_file) return m_file->held() ? k_held_recheck_ms : -1;
  const auto due = m_socket && m_socket->connecting() ? std::optional(m_socket->deadline()) : m_redial_at;
  if (!due) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*due - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

void ContainerOutput::send_backlog() {
  if (!m_buffer) return;
  if (!m_socket) {
    // Dial again when due; the lines wait (blocking) or fill the buffer and drop (non-blocking).
    if (!m_redial_at || std::chrono::steady_clock::now() < *m_redial_at) return;
    // dial(): a TCP connect and TLS handshake go on from the poll loop, so the container's output
    // is read (and non-blocking's buffer fills and drops) meanwhile.
    auto socket = m_logging.sink == LogSink::syslog ? LogSocket::dial(m_logging.syslog)
                                                    : LogSocket::connect_datagram(m_logging.journal_socket);
    if (!socket) {
      schedule_redial();
      return;
    }
    m_socket = std::move(*socket);
    m_redial_at.reset();
    m_sent_offset = 0;  // a message cut by the old connection goes whole again
  }
  if (m_socket->connecting()) {
    if (!m_socket->advance()) {
      lose_connection();
      return;
    }
    if (m_socket->connecting()) return;  // its poll_events() wake the loop
  }
  // A receiver that closed its end (it restarted) would take the next lines into a socket nobody
  // reads: dial again before sending them.
  if (m_socket->peer_closed()) {
    lose_connection();
    send_backlog();
    return;
  }
  // A second round sends the notice of drops queued when the backlog ran out.
  for (int round = 0; round < 2; ++round) {
    while (!m_buffer->empty()) {
      const auto sent = m_socket->send(m_buffer->front(), m_sent_offset);
      if (sent == LogSocket::Sent::whole) {
        m_buffer->pop();
        m_sent_offset = 0;
        m_redial_delay = std::chrono::milliseconds{0};  // the connection works: a loss is redialled at once
      } else if (sent == LogSocket::Sent::too_big) {
        m_buffer->drop_front();
      } else if (sent == LogSocket::Sent::broken) {
        lose_connection();
        return;
      } else {
        return;  // would block, or a stream took part: POLLOUT brings the rest
      }
    }
    if (!report_drops()) return;
  }
}

void ContainerOutput::lose_connection() {
  m_socket.reset();
  schedule_redial();
}

// The next dial after m_redial_delay, which grows for the one after: a receiver that keeps
// refusing, or accepts and closes at once, is tried less and less often, never less than every 10 s.
void ContainerOutput::schedule_redial() {
  m_redial_at = std::chrono::steady_clock::now() + m_redial_delay;
  m_redial_delay = m_redial_delay.count() == 0 ? k_redial_first : std::min(2 * m_redial_delay, k_redial_max);
}

// Once the receiver takes lines again, it is told how many it missed (Docker only logs that in
// the daemon's log, where a gateway's operator would not look).
bool ContainerOutput::report_drops() {
  const auto drops = m_buffer->take_unreported();
  if (drops.lines == 0) return false;
  const std::string notice = "berth: " + std::to_string(drops.lines) + " lines (" + std::to_string(drops.bytes) +
                             " bytes) of this container's output were dropped: the log receiver took them slower than "
                             "the container wrote and the non-blocking buffer (max-buffer-size " +
                             std::to_string(m_buffer->max_bytes()) + " bytes) was full";
  queue(true, notice, false);
  return true;
}

// The file's lines lost unread are said in the file itself, so the ingester stores the notice in
// the container's stream where its reader looks (a rotation the notice causes is told next time),
// once no line is cut open in the file.
void ContainerOutput::report_file_drops() {
  // Not between a partial record and its end: the reader would join the notice to that line.
  if (m_file_drops.lines == 0 || m_file_line_open[0] || m_file_line_open[1]) return;
  const std::string notice = "berth: " + std::to_string(m_file_drops.lines) + " lines (" + std::to_string(m_file_drops.bytes) +
                             " bytes)" + std::string(k_file_drop_notice) +
                             " when the shim's rotated log files let them go (mode non-blocking; blocking makes the container wait)\n";
  m_file_drops = {};
  m_file->write(LogStream::stderr_, notice);
}

void ContainerOutput::on_ready() {
  if (m_file) {
    m_file->rotate_if_full();
    return;
  }
  send_backlog();
}

void ContainerOutput::finish(std::chrono::milliseconds wait) {
  if (m_file) {
    m_file->flush();
    return;
  }
  if (!m_buffer) return;
  for (int i = 0; i < 2; ++i) {
    if (!m_pending[i].empty()) queue(i == 1, m_pending[i], false);
    m_pending[i].clear();
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  send_backlog();
  while (!m_buffer->empty() && std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (m_socket) {
      pollfd p{m_socket->fd(), m_socket->connecting() ? m_socket->poll_events() : static_cast<short>(POLLOUT), 0};
      ::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count())));
    } else {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, std::chrono::milliseconds(timeout_ms() + 1)));
    }
    send_backlog();
  }
  m_buffer->drop_all();
}

}  // namespace berth::runtime
