// The audit log: one JSON line per mutating call (time, who, action, resources, result) in a
// size-bounded set of rotated files in the data dir. It never holds a request body or a secret:
// only what AuditEntry carries. Thread-safe: one mutex around an append (and, now and then, a
// rotation); a failed write is reported once on stderr and never reaches the request.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"

namespace berth::api {

struct AuditEntry {
  std::int64_t time_ms = 0;            // Unix epoch milliseconds
  std::string principal;               // "key:AKIA..." (TCP) or "uid:0" (unix socket)
  std::string action;                  // "ecs:RunTask"
  std::vector<std::string> resources;  // the ARNs authorized ("*" where none)
  std::string result;                  // "allowed", "AccessDeniedException", "200", an error type
};

inline constexpr std::uint64_t k_audit_default_max_bytes = 1024 * 1024;
inline constexpr int k_audit_default_kept_files = 2;

class AuditLog {
 public:
  // Opens (creating, mode 0600) `path` for appending. Each file holds at most `max_bytes`
  // (>= 4096); past that `path` becomes `path.1`, `path.1` becomes `path.2`, ... and the
  // oldest beyond `kept_files` (0..9) is dropped: at most (kept_files + 1) × max_bytes on disk.
  // A file already there is appended to and its mode made 0600. Returns ServerException when
  // the file cannot be opened, InvalidParameterException for bounds out of range.
  [[nodiscard]] static Result<std::unique_ptr<AuditLog>> open(std::string path,
                                                              std::uint64_t max_bytes = k_audit_default_max_bytes,
                                                              int kept_files = k_audit_default_kept_files);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `entry` as one line: {"time":"2026-12-02T01:02:03.456Z","principal":..,"action":..,
  // "resources":[..],"result":..}. A line that would not fit in a file keeps as many resources
  // as fit and counts the rest in "resourcesOmitted". Never throws; a write error is logged
  // once (and once more when writing works again).
  void record(const AuditEntry& entry) noexcept;

  // Returns the line record() writes for `entry` (without the newline). Pure.
  static std::string format(const AuditEntry& entry, std::uint64_t max_line_bytes);

 private:
  AuditLog(std::string path, std::uint64_t max_bytes, int kept_files, int fd, std::uint64_t size);
  void rotate() BERTH_REQUIRES(m_mutex);
  void report_write_error(std::string_view what, int error) BERTH_REQUIRES(m_mutex);

  const std::string m_path;
  const std::uint64_t m_max_bytes;
  const int m_kept_files;
  Mutex m_mutex;
  int m_fd BERTH_GUARDED_BY(m_mutex);             // -1 after a failed reopen; record() tries again
  std::uint64_t m_size BERTH_GUARDED_BY(m_mutex);  // bytes in the current file
  bool m_failing BERTH_GUARDED_BY(m_mutex) = false;
};

// Returns whether `action` ("ecs:RunTask" or "RunTask") changes something: every action but
// Describe*, List*, Get* and BatchGet*.
bool is_mutating(std::string_view action);

}  // namespace berth::api
