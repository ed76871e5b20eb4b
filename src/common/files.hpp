// Small file helpers with the durability berth promises: atomic replace (tmp + fsync + rename +
// fsync of the directory) whole-file and range reads. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth {

// Replaces `path` with `content` so that a crash leaves either the old or the new file.
[[nodiscard]] Result<void> write_file_atomic(const std::string& path, std::string_view content,
                                             unsigned mode = 0644);

// As write_file_atomic without the fsyncs: a crash of any process leaves the old or the new
// file, a power cut may leave neither. For the run dir's files (tmpfs on a gateway, emptied by a
// reboot), such as a shim's pid and exit records, whose readers only outlive process crashes.
[[nodiscard]] Result<void> replace_file(const std::string& path, std::string_view content, unsigned mode = 0644);

// Writes `content` to `path` without fsync: for files regenerated on every use (OCI bundles),
// where durability would only cost start latency and flash writes.
[[nodiscard]] Result<void> write_file(const std::string& path, std::string_view content, unsigned mode = 0644);

// Returns the whole file, or ServerException (sys_errno = ENOENT for a missing file).
[[nodiscard]] Result<std::string> read_file(const std::string& path);

// Returns up to `max_bytes` of the file from `offset` (fewer at its end, none past it), read
// into a buffer of what is there: for files read again from a place, such as logs followed or
// paged. ServerException as read_file.
[[nodiscard]] Result<std::string> read_file_range(const std::string& path, std::uint64_t offset, std::size_t max_bytes);
// The same from the open descriptor `fd` (which keeps its file however it is renamed meanwhile).
[[nodiscard]] Result<std::string> read_fd_range(int fd, std::uint64_t offset, std::size_t max_bytes);

// write(2) all of `data` to `fd`, retrying on EINTR and short writes. Returns 0 or the errno
// (EIO when the fd takes nothing).
int write_all(int fd, std::string_view data);

// Creates `path` and its parents (the leaf gets `mode`); an existing directory is left as is.
[[nodiscard]] Result<void> make_dirs(const std::string& path, unsigned mode = 0755);

// Removes `path` recursively; fine if it does not exist.
[[nodiscard]] Result<void> remove_all(const std::string& path);

}  // namespace berth
