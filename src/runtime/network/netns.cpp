#include "runtime/network/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/files.hpp"
#include "runtime/linux/process.hpp"

namespace berth::runtime {
namespace {

constexpr long k_nsfs_magic = 0x6e736673;

}  // namespace

bool is_network_namespace(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == k_nsfs_magic;
}

Result<void> create_network_namespace(const std::string& path) {
  if (is_network_namespace(path)) return {};
  BERTH_TRY(make_dirs(std::filesystem::path(path).parent_path().string(), 0755));
  const int fd = ::open(path.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC, 0444);
  if (fd < 0) return sys_fail("create " + path);
  ::close(fd);
  // A child enters a new namespace and pins it with a bind mount; berth's own threads never
  // leave the host's namespace.
  const pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork");
  if (pid == 0) {
    if (::unshare(CLONE_NEWNET) != 0) ::_exit(1);
    if (::mount("/proc/self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) != 0) ::_exit(2);
    ::_exit(0);
  }
  const int code = wait_exit_code(pid);
  if (code != 0) {
    ::unlink(path.c_str());
    return fail(Code::server, std::string("cannot create a network namespace at ") + path +
                                  (code == 1 ? ": unshare failed (is berth root?)" : ": bind mount failed"));
  }
  return {};
}

Result<void> remove_network_namespace(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return sys_fail("unmount " + path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_fail("remove " + path);
  return {};
}

}  // namespace berth::runtime
