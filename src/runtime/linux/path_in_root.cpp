#include "runtime/linux/path_in_root.hpp"

#include <fcntl.h>
#include <linux/limits.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

namespace berth::runtime {
namespace {

std::unexpected<Error> errno_fail(const std::string& what, int error) {
  errno = error;
  return sys_fail(what);
}

// Puts the components of `path` in front of `pending`, empty ones dropped.
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

}  // namespace

Result<PathInRoot> resolve_path_in_root(int root_fd, const std::string& path, const std::string& what) {
  std::vector<UniqueFd> dirs;  // the directories below the root down to the current one
  PathInRoot out;
  if (::fstat(root_fd, &out.status) != 0) return sys_fail("stat the root of " + what);
  std::deque<std::string> pending;
  push_components_front(pending, path);
  while (!pending.empty()) {
    const std::string name = pending.front();
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      if (!dirs.empty()) {  // ".." at the root stays there, as with RESOLVE_IN_ROOT
        dirs.pop_back();
        out.components.pop_back();
      }
      continue;
    }
    const int dir = dirs.empty() ? root_fd : dirs.back().get();
    UniqueFd fd(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return sys_fail("open " + what);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return sys_fail("stat " + what);
    if (S_ISLNK(st.st_mode)) {
      if (++out.links_followed > k_max_links_in_path) return errno_fail("open " + what, ELOOP);
      char target[PATH_MAX];
      const ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target);
      if (n < 0) return sys_fail("read link in " + what);
      const std::string link(target, static_cast<std::size_t>(n));
      if (link.starts_with('/')) {  // absolute: from the root
        dirs.clear();
        out.components.clear();
      }
      push_components_front(pending, link);
      continue;
    }
    if (pending.empty()) {
      if (!dirs.empty()) out.parent = std::move(dirs.back());
      out.components.push_back(name);
      out.status = st;
      return out;
    }
    if (!S_ISDIR(st.st_mode)) return errno_fail("open " + what, ENOTDIR);
    dirs.push_back(std::move(fd));
    out.components.push_back(name);
  }
  // The path ends at a directory (after "." or ".."): the one reached last, or the root.
  if (!dirs.empty()) {
    if (::fstat(dirs.back().get(), &out.status) != 0) return sys_fail("stat " + what);
    if (dirs.size() >= 2) out.parent = std::move(dirs[dirs.size() - 2]);
  }
  return out;
}

}  // namespace berth::runtime
