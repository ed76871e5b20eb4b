#include "runtime/image/archive_member.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

namespace berth::runtime {
namespace {

// As the kernel's MAXSYMLINKS: more links than this on one path is a loop.
constexpr int k_max_links = 40;

std::unexpected<Error> refuse(const std::string& relative, const std::string& why) {
  return fail(Code::invalid_parameter, "archive member '" + relative + "' " + why);
}

void push_components(std::deque<std::string>& pending, const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  pending.insert(pending.begin(), parts.begin(), parts.end());
}

std::string joined(const std::string& root, const std::vector<std::string>& parts) {
  std::string out = root;
  for (const auto& part : parts) out += "/" + part;
  return out;
}

}  // namespace

Result<ArchiveMember> find_archive_member(const std::string& archive_root, const std::string& relative) {
  if (relative.empty()) return refuse(relative, "is an empty path");
  std::vector<std::string> resolved;  // components checked to be directories, none a link
  std::deque<std::string> pending;
  push_components(pending, relative);
  int links = 0;
  while (!pending.empty()) {
    const std::string part = pending.front();
    pending.pop_front();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();  // ".." at the archive root stays there
      continue;
    }
    const std::string path = joined(archive_root, resolved) + "/" + part;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) return refuse(relative, "cannot be read");
      return refuse(relative, links == 0 ? "is missing from the archive"
                                         : "is missing from the archive (its symbolic links resolve inside the archive, "
                                           "never to the host)");
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return refuse(relative, "goes through a loop of symbolic links");
      std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
      const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
      if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return refuse(relative, "has an unreadable link");
      target.resize(static_cast<std::size_t>(n));
      if (target.starts_with("/")) resolved.clear();  // absolute: from the archive's root
      push_components(pending, target);
      continue;
    }
    if (!pending.empty() && !S_ISDIR(st.st_mode)) {
      // Only a directory may have more path after it (trailing empty parts aside).
      bool more = false;
      for (const auto& rest : pending) more = more || (!rest.empty() && rest != ".");
      if (more) return refuse(relative, "goes through something that is not a directory");
    }
    resolved.push_back(part);
  }
  const std::string path = joined(archive_root, resolved);
  struct stat st {};
  if (resolved.empty() || ::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return refuse(relative, "is not a regular file of the archive");
  }
  return ArchiveMember{path, static_cast<std::uint64_t>(st.st_size)};
}

bool has_archive_member(const std::string& archive_root, const std::string& relative) {
  return find_archive_member(archive_root, relative).has_value();
}

Result<std::string> read_archive_member(const std::string& archive_root, const std::string& relative,
                                        std::uint64_t max_bytes) {
  BERTH_ASSIGN(auto member, find_archive_member(archive_root, relative));
  if (member.size > max_bytes) {
    return refuse(relative, "is larger than " + std::to_string(max_bytes >> 10) + " KiB");
  }
  const int fd = ::open(member.path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return sys_fail("read " + member.path);
  std::string out(static_cast<std::size_t>(member.size), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != out.size()) return refuse(relative, "changed while it was read");
  return out;
}

}  // namespace berth::runtime
