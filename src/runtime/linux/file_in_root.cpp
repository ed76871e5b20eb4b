#include "runtime/linux/file_in_root.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "runtime/linux/path_in_root.hpp"
#include "runtime/linux/unique_fd.hpp"

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

namespace berth::runtime {
namespace {

std::unexpected<Error> errno_fail(const std::string& what, int error) {
  errno = error;
  return sys_fail(what);
}

// `dir`/`name` opened for reading, if resolution `found` a regular file there; checked to be the
// same inode, so nothing swapped in between is read.
Result<UniqueFd> open_checked(int dir, const std::string& name, const struct stat& found, const std::string& what) {
  if (!S_ISREG(found.st_mode)) return fail(Code::client, what + " is not a regular file");
  UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return sys_fail("open " + what);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return sys_fail("stat " + what);
  if (st.st_dev != found.st_dev || st.st_ino != found.st_ino) return errno_fail(what + " changed while opened", EAGAIN);
  return fd;
}

Result<UniqueFd> open_by_walk(int root_fd, const std::string& path, const std::string& what) {
  BERTH_ASSIGN(auto found, resolve_path_in_root(root_fd, path, what));
  if (found.components.empty()) return fail(Code::client, what + " is not a regular file");  // the root
  return open_checked(found.parent_fd(root_fd), found.name(), found.status, what);
}

#if defined(SYS_openat2) && defined(RESOLVE_IN_ROOT)
// The kernel's resolution; std::nullopt where this kernel (or a seccomp filter) lacks openat2.
std::optional<Result<UniqueFd>> open_in_root(int root_fd, const std::string& path, const std::string& what) {
  const auto open2 = [&](std::uint64_t flags) {
    open_how how{};
    how.flags = flags;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return UniqueFd(static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how)));
  };
  UniqueFd found = open2(O_PATH | O_CLOEXEC);
  if (!found.valid()) {
    if (errno == ENOSYS || errno == EPERM || errno == E2BIG) return std::nullopt;
    return Result<UniqueFd>(sys_fail("open " + what));
  }
  struct stat st {};
  if (::fstat(found.get(), &st) != 0) return Result<UniqueFd>(sys_fail("stat " + what));
  if (!S_ISREG(st.st_mode)) return Result<UniqueFd>(fail(Code::client, what + " is not a regular file"));
  UniqueFd fd = open2(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (!fd.valid()) return Result<UniqueFd>(sys_fail("open " + what));
  struct stat again {};
  if (::fstat(fd.get(), &again) != 0) return Result<UniqueFd>(sys_fail("stat " + what));
  if (again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
    return Result<UniqueFd>(errno_fail(what + " changed while opened", EAGAIN));
  }
  return Result<UniqueFd>(std::move(fd));
}
#else
std::optional<Result<UniqueFd>> open_in_root(int, const std::string&, const std::string&) { return std::nullopt; }
#endif

}  // namespace

Result<std::string> read_file_in_root(const std::string& root, const std::string& path, std::size_t max_bytes,
                                      RootResolution resolution) {
  const std::string what = "the image's " + (path.starts_with('/') ? path : "/" + path);
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return sys_fail("open image root " + root);
  std::optional<Result<UniqueFd>> opened;
  if (resolution == RootResolution::automatic) opened = open_in_root(root_fd.get(), path, what);
  if (!opened) opened = open_by_walk(root_fd.get(), path, what);
  if (!*opened) return std::unexpected(opened->error());
  const int fd = (*opened)->get();
  std::string content;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail("read " + what);
    if (n == 0) return content;
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      return fail(Code::client, what + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace berth::runtime
