#include "runtime/linux/file_in_root.hpp"

#include <fcntl.h>
#include <linux/limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <optional>
#include <vector>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

namespace berth::runtime {
namespace {

constexpr int k_max_links = 40;  // as the kernel's MAXSYMLINKS

class Fd {
 public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(m_fd, other.m_fd);
    return *this;
  }
  Fd(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }

 private:
  int m_fd;
};

std::unexpected<Error> errno_fail(const std::string& what, int error) {
  errno = error;
  return sys_fail(what);
}

void push_components_front(std::deque<std::string>& pending, const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  pending.insert(pending.begin(), parts.begin(), parts.end());
}

// `dir`/`name` opened for reading, if resolution `found` a regular file there; checked to be the
// same inode, so nothing swapped in between is read.
Result<Fd> open_checked(int dir, const std::string& name, const struct stat& found, const std::string& what) {
  if (!S_ISREG(found.st_mode)) return fail(Code::client, what + " is not a regular file");
  Fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return sys_fail("open " + what);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return sys_fail("stat " + what);
  if (st.st_dev != found.st_dev || st.st_ino != found.st_ino) return errno_fail(what + " changed while opened", EAGAIN);
  return fd;
}

Result<Fd> open_by_walk(int root_fd, const std::string& path, const std::string& what) {
  std::vector<Fd> dirs;  // the directories below the root down to the current one
  std::deque<std::string> pending;
  push_components_front(pending, path);
  int links = 0;
  while (!pending.empty()) {
    const std::string name = pending.front();
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      if (dirs.empty()) return errno_fail(what + " leads out of the image root", EXDEV);
      dirs.pop_back();
      continue;
    }
    const int dir = dirs.empty() ? root_fd : dirs.back().get();
    Fd fd(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open " + what);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return sys_fail("stat " + what);
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return errno_fail("open " + what, ELOOP);
      char target[PATH_MAX];
      const ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target);
      if (n < 0) return sys_fail("read link in " + what);
      const std::string link(target, static_cast<std::size_t>(n));
      if (link.starts_with('/')) dirs.clear();  // absolute: from the image root
      push_components_front(pending, link);
      continue;
    }
    if (pending.empty()) return open_checked(dir, name, st, what);
    if (!S_ISDIR(st.st_mode)) return errno_fail("open " + what, ENOTDIR);
    dirs.push_back(std::move(fd));
  }
  return fail(Code::client, what + " is not a regular file");  // the path named a directory
}

#if defined(SYS_openat2) && defined(RESOLVE_IN_ROOT)
// The kernel's resolution; std::nullopt where this kernel (or a seccomp filter) lacks openat2.
std::optional<Result<Fd>> open_in_root(int root_fd, const std::string& path, const std::string& what) {
  const auto open2 = [&](std::uint64_t flags) {
    open_how how{};
    how.flags = flags;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return Fd(static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how)));
  };
  Fd found = open2(O_PATH | O_CLOEXEC);
  if (!found.valid()) {
    if (errno == ENOSYS || errno == EPERM || errno == E2BIG) return std::nullopt;
    return Result<Fd>(sys_fail("open " + what));
  }
  struct stat st {};
  if (::fstat(found.get(), &st) != 0) return Result<Fd>(sys_fail("stat " + what));
  if (!S_ISREG(st.st_mode)) return Result<Fd>(fail(Code::client, what + " is not a regular file"));
  Fd fd = open2(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (!fd.valid()) return Result<Fd>(sys_fail("open " + what));
  struct stat again {};
  if (::fstat(fd.get(), &again) != 0) return Result<Fd>(sys_fail("stat " + what));
  if (again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
    return Result<Fd>(errno_fail(what + " changed while opened", EAGAIN));
  }
  return Result<Fd>(std::move(fd));
}
#else
std::optional<Result<Fd>> open_in_root(int, const std::string&, const std::string&) { return std::nullopt; }
#endif

}  // namespace

Result<std::string> read_file_in_root(const std::string& root, const std::string& path, std::size_t max_bytes,
                                      RootResolution resolution) {
  const std::string what = "the image's " + (path.starts_with('/') ? path : "/" + path);
  Fd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return sys_fail("open image root " + root);
  std::optional<Result<Fd>> opened;
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
