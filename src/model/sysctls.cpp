#include "model/sysctls.hpp"

#include <array>

namespace berth::model {

bool is_namespaced_sysctl(std::string_view sysctl, HostNamespaces shared) {
  constexpr std::array<std::string_view, 8> k_ipc = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                                     "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                                     "kernel.shm_rmid_forced"};
  for (const std::string_view name : k_ipc) {
    if (sysctl == name) return !shared.ipc;
  }
  if (sysctl.starts_with("fs.mqueue.")) return !shared.ipc;
  if (sysctl.starts_with("net.")) return !shared.network;
  return false;
}

}  // namespace berth::model
