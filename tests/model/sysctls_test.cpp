#include "model/sysctls.hpp"

#include <catch2/catch.hpp>

using berth::model::HostNamespaces;
using berth::model::is_namespaced_sysctl;

TEST_CASE("sysctls: IPC and network parameters are the container's own unless it shares that namespace",
          "[model][sysctls]") {
  for (const char* ipc : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                          "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "fs.mqueue.msg_max"}) {
    INFO(ipc);
    CHECK(is_namespaced_sysctl(ipc, {}));
    CHECK(is_namespaced_sysctl(ipc, HostNamespaces{.network = true}));
    CHECK_FALSE(is_namespaced_sysctl(ipc, HostNamespaces{.ipc = true}));
  }
  CHECK(is_namespaced_sysctl("net.ipv4.ip_unprivileged_port_start", {}));
  CHECK(is_namespaced_sysctl("net.core.somaxconn", HostNamespaces{.ipc = true}));
  CHECK_FALSE(is_namespaced_sysctl("net.core.somaxconn", HostNamespaces{.network = true}));
}

TEST_CASE("sysctls: everything else is the host kernel's", "[model][sysctls]") {
  for (const char* host : {"vm.overcommit_memory", "kernel.pid_max", "kernel.shm", "kernel.msgmax2", "fs.file-max",
                           "fs.mqueue", "network.x", "", "net"}) {
    INFO(host);
    CHECK_FALSE(is_namespaced_sysctl(host, {}));
  }
}
