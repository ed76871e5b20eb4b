// Looking up a host device node for `linuxParameters.devices`: what runc needs to create the same
// node in a container (type, major:minor, mode, owner). Reads the host only; thread-safe.
#pragma once

#include <string>

#include "common/result.hpp"

namespace berth::runtime {

enum class DeviceType { character, block };

struct DeviceNode {
  DeviceType type = DeviceType::character;
  unsigned major = 0;
  unsigned minor = 0;
  unsigned file_mode = 0;  // permission bits (st_mode & 07777), e.g. 0660 for root:dialout ttyUSB
  unsigned uid = 0;
  unsigned gid = 0;
};

// Returns the node at `path`, following symlinks (/dev/serial/by-id/... are links to the node).
// Errors: ClientException "linuxParameters.devices: <path> does not exist on this instance" or
// "... is not a device node" (a file, a directory); ServerException for another failed stat.
[[nodiscard]] Result<DeviceNode> host_device(const std::string& path);

}  // namespace berth::runtime
