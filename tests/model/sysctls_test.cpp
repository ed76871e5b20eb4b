#include "model/sysctls.hpp"

#include <catch2/catch.hpp>

namespace sysctls_test {

using berth::model::is_namespaced_sysctl;

TEST_CASE("IPC and network sysctls are per container unless that namespace is the host's", "[model]") {
  CHECK(is_namespaced_sysctl("kernel.shmmax", false, false));
  CHECK(is_namespaced_sysctl("fs.mqueue.msg_max", false, false));
  CHECK(is_namespaced_sysctl("net.ipv4.ip_unprivileged_port_start", false, false));
  CHECK_FALSE(is_namespaced_sysctl("kernel.shmmax", false, true));
  CHECK_FALSE(is_namespaced_sysctl("fs.mqueue.msg_max", false, true));
  CHECK(is_namespaced_sysctl("net.core.somaxconn", false, true));
  CHECK_FALSE(is_namespaced_sysctl("net.core.somaxconn", true, false));
  CHECK(is_namespaced_sysctl("kernel.sem", true, false));
}

TEST_CASE("other sysctls are the gateway's own kernel's", "[model]") {
  CHECK_FALSE(is_namespaced_sysctl("vm.overcommit_memory", false, false));
  CHECK_FALSE(is_namespaced_sysctl("kernel.hostname", false, false));  // UTS: Docker sets it through hostname
  CHECK_FALSE(is_namespaced_sysctl("kernel.shmmaxx", false, false));
  CHECK_FALSE(is_namespaced_sysctl("", false, false));
  CHECK_FALSE(is_namespaced_sysctl("netfilter", false, false));
}

}  // namespace sysctls_test
