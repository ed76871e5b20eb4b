// Which kernel parameters (`systemControls`) a container may set without changing the gateway's
// own kernel. Pure; thread-safe.
#pragma once

#include <string_view>

namespace berth::model {

// The namespaces a container shares with the host (networkMode host, ipcMode host).
struct HostNamespaces {
  bool network = false;
  bool ipc = false;
};

// True if the kernel keeps `sysctl` per container given the namespaces it shares with the host
// (Docker's and runc's list: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* with a private
// IPC namespace; net.* with a private network namespace).
bool is_namespaced_sysctl(std::string_view sysctl, HostNamespaces shared);

}  // namespace berth::model
