// Whether this host's kernel enforces AppArmor, which a container's apparmor profile needs (runc
// would otherwise fail the start less clearly). Reads the host only; thread-safe.
#pragma once

#include <string>

namespace berth::runtime {

// True when `enabled_file` (the kernel's /sys/module/apparmor/parameters/enabled) reads "Y".
bool apparmor_enabled(const std::string& enabled_file = "/sys/module/apparmor/parameters/enabled");

}  // namespace berth::runtime
