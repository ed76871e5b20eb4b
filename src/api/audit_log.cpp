#include "api/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/rfc3339.hpp"
#include "model/schema.hpp"

namespace berth::api {
namespace {

using model::Json;

int open_for_append(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

std::string dump(const Json& line) { return line.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(std::string path, std::uint64_t max_bytes, int kept_files) {
  if (max_bytes < 4096) return fail(Code::invalid_parameter, "The audit log's size bound must be at least 4096 bytes.");
  if (kept_files < 0 || kept_files > 9) return fail(Code::invalid_parameter, "The audit log keeps 0 to 9 rotated files.");
  const int fd = open_for_append(path);
  if (fd < 0) return sys_fail("open audit log " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || ::fchmod(fd, 0600) != 0) {
    auto error = sys_fail("audit log " + path);
    ::close(fd);
    return error;
  }
  return std::unique_ptr<AuditLog>(
      new AuditLog(std::move(path), max_bytes, kept_files, fd, static_cast<std::uint64_t>(st.st_size)));
}

AuditLog::AuditLog(std::string path, std::uint64_t max_bytes, int kept_files, int fd, std::uint64_t size)
    : m_path(std::move(path)), m_max_bytes(max_bytes), m_kept_files(kept_files), m_fd(fd), m_size(size) {}

AuditLog::~AuditLog() {
  if (m_fd >= 0) ::close(m_fd);
}

std::string AuditLog::format(const AuditEntry& entry, std::uint64_t max_line_bytes) {
  Json line{{"time", rfc3339_utc(entry.time_ms, 3)}, {"principal", entry.principal}, {"action", entry.action},
            {"resources", entry.resources}, {"result", entry.result}};
  std::string text = dump(line);
  // Bounded by the request's resources (at most a hundred ARNs), so dropping one at a time is cheap.
  std::size_t omitted = 0;
  while (text.size() > max_line_bytes && !line["resources"].empty()) {
    line["resources"].erase(line["resources"].size() - 1);
    line["resourcesOmitted"] = ++omitted;
    text = dump(line);
  }
  return text;
}

void AuditLog::record(const AuditEntry& entry) noexcept {
  try {
    const std::string line = format(entry, m_max_bytes - 1) + "\n";
    MutexLock lock(m_mutex);
    if (m_fd >= 0 && m_size > 0 && m_size + line.size() > m_max_bytes) rotate();
    if (m_fd < 0) {
      m_fd = open_for_append(m_path);
      m_size = 0;
      if (m_fd < 0) return report_write_error("reopen", errno);
    }
    if (const int error = write_all(m_fd, line); error != 0) return report_write_error("write", error);
    m_size += line.size();
    if (m_failing) {
      m_failing = false;
      log_warn("audit log " + m_path + ": writing again");
    }
  } catch (const std::exception& e) {
    // Formatting only allocates: out of memory is the one way here.
    log_error(std::string("audit log: ") + e.what());
  }
}

void AuditLog::rotate() {
  ::close(m_fd);
  m_fd = -1;
  for (int n = m_kept_files; n >= 1; --n) {
    const std::string from = n == 1 ? m_path : m_path + "." + std::to_string(n - 1);
    // A missing older file is normal (the log is young); the rename replaces the oldest kept.
    if (::rename(from.c_str(), (m_path + "." + std::to_string(n)).c_str()) != 0 && errno != ENOENT) {
      report_write_error("rotate", errno);
    }
  }
  if (m_kept_files == 0 && ::unlink(m_path.c_str()) != 0 && errno != ENOENT) report_write_error("truncate", errno);
  m_fd = open_for_append(m_path);
  m_size = 0;
  if (m_fd >= 0) ::fchmod(m_fd, 0600);
}

void AuditLog::report_write_error(std::string_view what, int error) {
  if (m_failing) return;
  m_failing = true;
  log_error("audit log " + m_path + ": " + std::string(what) + " failed: " + std::strerror(error) +
            " (entries are lost until it works again)");
}

bool is_mutating(std::string_view action) {
  if (const auto colon = action.find(':'); colon != std::string_view::npos) action.remove_prefix(colon + 1);
  for (const std::string_view read : {"Describe", "List", "Get", "BatchGet", "Poll"}) {
    if (action.starts_with(read)) return false;
  }
  return true;
}

}  // namespace berth::api
