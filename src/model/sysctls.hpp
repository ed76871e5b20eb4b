// Which kernel parameters (sysctls) a container may set without changing the gateway's own
// kernel. Shared by RegisterTaskDefinition's validation (a non-namespaced one is refused) and
// the privileged-action judgement (a namespace shared with the host makes it the host's).
// Pure; thread-safe.
#pragma once

#include <string_view>

namespace berth::model {

// Whether the kernel keeps `sysctl` per container (Docker's list: the IPC parameters
// kernel.msgmax, msgmnb, msgmni, sem, shmall, shmmax, shmmni, shm_rmid_forced and fs.mqueue.*,
// which follow the IPC namespace, and net.*, which follows the network namespace). With
// `host_network` / `host_ipc` the container shares that namespace with the host, so its
// parameters are the host's and this returns false for them.
bool is_namespaced_sysctl(std::string_view sysctl, bool host_network, bool host_ipc);

}  // namespace berth::model
