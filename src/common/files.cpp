#include "common/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace berth {
namespace {

// Writes all of `content` to `fd`; on failure closes `fd`.
Result<void> write_all_or_close(int fd, std::string_view content, const std::string& path) {
  if (const int error = write_all(fd, content); error != 0) {
    ::close(fd);
    errno = error;
    return sys_fail("write " + path);
  }
  return {};
}

}  // namespace

int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return sys_fail("create " + tmp);
  BERTH_TRY(write_all_or_close(fd, content, tmp));
  if (::fsync(fd) != 0) {
    ::close(fd);
    return sys_fail("fsync " + tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return sys_fail("rename " + tmp);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

Result<void> replace_file(const std::string& path, std::string_view content, unsigned mode) {
  const std::string tmp = path + ".tmp";
  BERTH_TRY(write_file(tmp, content, mode));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return sys_fail("rename " + tmp);
  return {};
}

Result<void> write_file(const std::string& path, std::string_view content, unsigned mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return sys_fail("create " + path);
  BERTH_TRY(write_all_or_close(fd, content, path));
  ::close(fd);
  return {};
}

Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_fail("read " + path);
  std::string out;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return sys_fail("read " + path);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<std::string> read_fd_range(int fd, std::uint64_t offset, std::size_t max_bytes) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return sys_fail("fstat");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::string out(offset < size ? static_cast<std::size_t>(std::min<std::uint64_t>(size - offset, max_bytes)) : 0, '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail("pread");
    if (n == 0) break;  // cut short since the fstat
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

Result<std::string> read_file_range(const std::string& path, std::uint64_t offset, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_fail("read " + path);
  auto out = read_fd_range(fd, offset, max_bytes);
  ::close(fd);
  if (!out) return std::unexpected(out.error().wrap("read " + path));
  return out;
}

Result<void> make_dirs(const std::string& path, unsigned mode) {
  std::error_code ec;
  const bool created = std::filesystem::create_directories(path, ec);
  if (ec) return fail(Code::server, "cannot create " + path + ": " + ec.message());
  if (created) ::chmod(path.c_str(), mode);  // an existing directory keeps the mode its owner gave it
  return {};
}

Result<void> remove_all(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return fail(Code::server, "cannot remove " + path + ": " + ec.message());
  return {};
}

}  // namespace berth
