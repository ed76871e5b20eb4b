#include "runtime/linux/host_devices.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

namespace berth::runtime {

Result<DeviceNode> host_device(const std::string& path) {
  const std::string where = "linuxParameters.devices: " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return fail(Code::client, where + " does not exist on this instance", error);
    errno = error;
    return sys_fail(where);
  }
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return fail(Code::client, where + " is not a device node");
  return DeviceNode{S_ISBLK(st.st_mode) ? DeviceType::block : DeviceType::character,
                    ::major(st.st_rdev),
                    ::minor(st.st_rdev),
                    static_cast<unsigned>(st.st_mode & 07777),
                    st.st_uid,
                    st.st_gid};
}

}  // namespace berth::runtime
