#include "model/sysctls.hpp"

#include <array>

namespace berth::model {

bool is_namespaced_sysctl(std::string_view sysctl, bool host_network, bool host_ipc) {
  constexpr std::array<std::string_view, 8> k_ipc = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                                     "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                                     "kernel.shm_rmid_forced"};
  for (const std::string_view name : k_ipc) {
    if (sysctl == name) return !host_ipc;
  }
  if (sysctl.starts_with("fs.mqueue.")) return !host_ipc;
  if (sysctl.starts_with("net.")) return !host_network;
  return false;
}

}  // namespace berth::model
