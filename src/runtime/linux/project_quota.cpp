#include "runtime/linux/project_quota.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/quota.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {
namespace {

// glibc's <sys/quota.h> knows only user and group quotas; the kernel's project type is 2.
constexpr int k_project_quota = 2;
// The quota interface counts block limits in 1 KiB units (QIF_DQBLKSIZE).
constexpr std::uint64_t k_quota_block = 1024;

Result<UniqueFd> open_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return fail(Code::server, "cannot open " + dir + ": " + std::strerror(errno), errno);
  return fd;
}

// quotactl_fd(2) on the filesystem of `fd`; -1 with errno ENOSYS where the kernel lacks it.
int quotactl_on(int fd, int command, std::uint32_t id, void* data) {
#ifdef SYS_quotactl_fd
  return static_cast<int>(::syscall(SYS_quotactl_fd, fd, QCMD(command, k_project_quota), id, data));
#else
  (void)fd, (void)command, (void)id, (void)data;
  errno = ENOSYS;
  return -1;
#endif
}

Result<void> quota_fail(const std::string& what, const std::string& dir) {
  return fail(Code::server, what + " on " + dir + ": " + std::strerror(errno), errno);
}

}  // namespace

bool project_quotas_supported(const std::string& dir) {
  auto fd = open_dir(dir);
  if (!fd) return false;
  // Q_GETINFO answers only while project quota accounting is on; ESRCH when it is off.
  struct dqinfo info{};
  if (quotactl_on(fd->get(), Q_GETINFO, 0, &info) != 0) return false;
  // ext4 without the project feature refuses a project id even with quota on.
  struct fsxattr attributes{};
  return ::ioctl(fd->get(), FS_IOC_FSGETXATTR, &attributes) == 0;
}

Result<void> assign_project(const std::string& dir, std::uint32_t project) {
  BERTH_ASSIGN(auto fd, open_dir(dir));
  struct fsxattr attributes{};
  if (::ioctl(fd.get(), FS_IOC_FSGETXATTR, &attributes) != 0) return quota_fail("cannot read the project id", dir);
  attributes.fsx_projid = project;
  attributes.fsx_xflags |= FS_XFLAG_PROJINHERIT;
  if (::ioctl(fd.get(), FS_IOC_FSSETXATTR, &attributes) != 0) {
    return quota_fail("cannot set project id " + std::to_string(project), dir);
  }
  return {};
}

Result<std::uint32_t> project_of(const std::string& dir) {
  BERTH_ASSIGN(auto fd, open_dir(dir));
  struct fsxattr attributes{};
  if (::ioctl(fd.get(), FS_IOC_FSGETXATTR, &attributes) != 0) {
    return std::unexpected(quota_fail("cannot read the project id", dir).error());
  }
  return attributes.fsx_projid;
}

Result<void> set_project_limit(const std::string& dir, std::uint32_t project, std::uint64_t bytes) {
  BERTH_ASSIGN(auto fd, open_dir(dir));
  struct dqblk limits{};
  const std::uint64_t blocks = (bytes + k_quota_block - 1) / k_quota_block;
  limits.dqb_bhardlimit = blocks;
  limits.dqb_bsoftlimit = blocks;
  limits.dqb_valid = QIF_BLIMITS;
  if (quotactl_on(fd.get(), Q_SETQUOTA, project, &limits) != 0) {
    return quota_fail("cannot set the limit of project " + std::to_string(project), dir);
  }
  return {};
}

Result<bool> project_in_use(const std::string& dir, std::uint32_t project) {
  BERTH_ASSIGN(auto fd, open_dir(dir));
  struct dqblk quota{};
  if (quotactl_on(fd.get(), Q_GETQUOTA, project, &quota) != 0) {
    return std::unexpected(quota_fail("cannot read project " + std::to_string(project), dir).error());
  }
  return quota.dqb_curspace > 0 || quota.dqb_curinodes > 0 || quota.dqb_bhardlimit > 0;
}

Result<std::uint64_t> project_usage(const std::string& dir, std::uint32_t project) {
  BERTH_ASSIGN(auto fd, open_dir(dir));
  struct dqblk usage{};
  if (quotactl_on(fd.get(), Q_GETQUOTA, project, &usage) != 0) {
    return std::unexpected(quota_fail("cannot read the usage of project " + std::to_string(project), dir).error());
  }
  return static_cast<std::uint64_t>(usage.dqb_curspace);
}

int without_quota_override(const std::function<int()>& mount_call) {
  // capget/capset work on the calling thread only: the other threads keep their capabilities.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved[2]{};
  if (::syscall(SYS_capget, &header, saved) != 0) return -1;
  __user_cap_data_struct reduced[2] = {saved[0], saved[1]};
  reduced[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective &= ~CAP_TO_MASK(CAP_SYS_RESOURCE);
  if (::syscall(SYS_capset, &header, reduced) != 0) return -1;
  const int result = mount_call();
  const int mount_errno = errno;
  // Raising it again is allowed (it stays permitted); should it fail, this thread only lacks
  // a capability berth does not otherwise use.
  (void)::syscall(SYS_capset, &header, saved);
  errno = mount_errno;
  return result;
}

}  // namespace berth::runtime
