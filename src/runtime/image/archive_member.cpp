#include "runtime/image/archive_member.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/linux/path_in_root.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {
namespace {

std::unexpected<Error> refuse(const std::string& relative, const std::string& why) {
  return fail(Code::invalid_parameter, "archive member '" + relative + "' " + why);
}

}  // namespace

Result<ArchiveMember> find_archive_member(const std::string& archive_root, const std::string& relative) {
  if (relative.empty()) return refuse(relative, "is an empty path");
  const UniqueFd root_fd(::open(archive_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return refuse(relative, "cannot be read");
  auto found = resolve_path_in_root(root_fd.get(), relative, "archive member '" + relative + "'");
  if (!found) {
    switch (found.error().sys_errno) {
      case ENOENT:  // say why a link to a host file that exists reads as missing
        return refuse(relative, "is missing from the archive (its symbolic links resolve inside the archive, never to the host)");
      case ENOTDIR: return refuse(relative, "goes through something that is not a directory");
      case ELOOP: return refuse(relative, "goes through a loop of symbolic links");
      default: return refuse(relative, "cannot be read");
    }
  }
  if (found->components.empty() || !S_ISREG(found->status.st_mode)) {
    return refuse(relative, "is not a regular file of the archive");
  }
  std::string path = archive_root;
  for (const auto& part : found->components) path += "/" + part;
  return ArchiveMember{std::move(path), static_cast<std::uint64_t>(found->status.st_size)};
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
