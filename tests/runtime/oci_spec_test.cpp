#include "runtime/oci_spec.hpp"

#include <catch2/catch.hpp>

namespace oci_spec_test {

using namespace berth::runtime;
using berth::model::Json;

namespace {
ContainerSpec base() {
  ContainerSpec s;
  s.id = "t-main";
  s.rootfs = "/b/rootfs";
  s.args = {"sleep", "1"};
  s.capabilities = default_capabilities();
  s.cgroups_path = "/berth/t/main";
  s.cpu_shares = 1024;
  s.memory_limit_bytes = 64 << 20;
  s.memory_reservation_bytes = 32 << 20;
  return s;
}
}  // namespace

TEST_CASE("oci: cgroup v1 rendering", "[runtime]") {
  const auto config = make_oci_config(base());
  CHECK(config["linux"]["resources"]["cpu"]["shares"] == 1024);
  CHECK(config["linux"]["resources"]["memory"]["limit"] == 64 << 20);
  CHECK(config["linux"]["resources"]["memory"]["reservation"] == 32 << 20);
  CHECK_FALSE(config["linux"]["resources"].contains("unified"));
  CHECK(config["process"]["noNewPrivileges"] == true);
  CHECK(config["linux"]["maskedPaths"].size() > 5);
  CHECK(config["linux"]["readonlyPaths"].size() == 5);
  for (const auto& ns : config["linux"]["namespaces"]) CHECK(ns["type"] != "cgroup");
}

TEST_CASE("oci: cgroup v2 rendering sets the weight explicitly and a cgroup namespace", "[runtime]") {
  ContainerSpec s = base();
  s.cgroup_v2 = true;
  const auto config = make_oci_config(s);
  CHECK(config["linux"]["resources"]["unified"]["cpu.weight"] == std::to_string(shares_to_weight(1024)));
  bool cgroup_ns = false;
  for (const auto& ns : config["linux"]["namespaces"]) cgroup_ns = cgroup_ns || ns["type"] == "cgroup";
  CHECK(cgroup_ns);
  bool cgroup_mount = false;
  for (const auto& m : config["mounts"]) cgroup_mount = cgroup_mount || m["destination"] == "/sys/fs/cgroup";
  CHECK(cgroup_mount);
}

TEST_CASE("oci: shares map onto v2 weights as runc 1.1 does", "[runtime]") {
  CHECK(shares_to_weight(2) == 1);
  CHECK(shares_to_weight(262144) == 10000);
  CHECK(shares_to_weight(1024) == 39);
}

TEST_CASE("oci: capabilities add, drop and ALL", "[runtime]") {
  const auto caps = adjust_capabilities(default_capabilities(), berth::model::Json::array({"net_admin"}),
                                        berth::model::Json::array({"CAP_KILL"}));
  CHECK(caps.contains("CAP_NET_ADMIN"));
  CHECK_FALSE(caps.contains("CAP_KILL"));
  CHECK(adjust_capabilities(default_capabilities(), berth::model::Json::array(), berth::model::Json::array({"ALL"})).empty());
  CHECK(adjust_capabilities({}, berth::model::Json::array({"ALL"}), berth::model::Json::array()) == all_capabilities());
}

TEST_CASE("oci: privileged containers get every device and no masks", "[runtime]") {
  ContainerSpec s = base();
  s.privileged = true;
  const auto config = make_oci_config(s);
  CHECK(config["process"]["noNewPrivileges"] == false);
  CHECK(config["linux"]["resources"]["devices"][0]["allow"] == true);
  CHECK_FALSE(config["linux"].contains("maskedPaths"));
}

TEST_CASE("oci: a mapped device gets its node and one allow rule after the deny-all", "[runtime][devices]") {
  ContainerSpec s = base();
  CHECK_FALSE(make_oci_config(s)["linux"].contains("devices"));
  s.devices.push_back({"/dev/ttyACM0", {DeviceType::character, 166, 0, 0660, 0, 20}, "rw"});
  s.devices.push_back({"/dev/xdev", {DeviceType::block, 7, 3, 0600, 0, 6}, "rwm"});
  const auto config = make_oci_config(s);
  const auto& nodes = config["linux"]["devices"];
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0] == berth::model::Json::parse(
                        R"({"path":"/dev/ttyACM0","type":"c","major":166,"minor":0,"fileMode":432,"uid":0,"gid":20})"));
  CHECK(nodes[1]["path"] == "/dev/xdev");
  CHECK(nodes[1]["type"] == "b");
  CHECK(nodes[1]["fileMode"] == 0600);
  const auto& rules = config["linux"]["resources"]["devices"];
  REQUIRE(rules.size() == 3);
  CHECK(rules[0] == berth::model::Json::parse(R"({"allow":false,"access":"rwm"})"));
  CHECK(rules[1] == berth::model::Json::parse(R"({"allow":true,"type":"c","major":166,"minor":0,"access":"rw"})"));
  CHECK(rules[2] == berth::model::Json::parse(R"({"allow":true,"type":"b","major":7,"minor":3,"access":"rwm"})"));
}

TEST_CASE("oci: sysctls, annotations, /dev/shm size and swappiness", "[runtime][settings]") {
  ContainerSpec s = base();
  const auto plain = make_oci_config(s);
  CHECK_FALSE(plain["linux"].contains("sysctl"));
  CHECK_FALSE(plain.contains("annotations"));
  CHECK_FALSE(plain["linux"]["resources"]["memory"].contains("swappiness"));
  const auto shm_of = [](const berth::model::Json& config) {
    for (const auto& m : config["mounts"]) {
      if (m["destination"] == "/dev/shm") return m["options"].back().get<std::string>();
    }
    return std::string();
  };
  CHECK(shm_of(plain) == "size=65536k");  // Docker's 64 MiB

  s.sysctls = {{"net.ipv4.ip_unprivileged_port_start", "80"}, {"kernel.shmmax", "1048576"}};
  s.annotations = {{"com.amazonaws.ecs.container-name", "main"}, {"team", "plc"}};
  s.shm_size_bytes = 256LL << 20;
  s.swappiness = 10;
  const auto config = make_oci_config(s);
  CHECK(config["linux"]["sysctl"] == berth::model::Json::parse(
                                         R"({"kernel.shmmax":"1048576","net.ipv4.ip_unprivileged_port_start":"80"})"));
  CHECK(config["annotations"] == berth::model::Json::parse(R"({"com.amazonaws.ecs.container-name":"main","team":"plc"})"));
  CHECK(shm_of(config) == "size=262144k");
  CHECK(config["linux"]["resources"]["memory"]["swappiness"] == 10);
  CHECK(config["linux"]["resources"]["memory"]["limit"] == 64 << 20);

  ContainerSpec unlimited = base();
  unlimited.memory_limit_bytes.reset();
  unlimited.memory_reservation_bytes.reset();
  CHECK_FALSE(make_oci_config(unlimited)["linux"]["resources"].contains("memory"));
  unlimited.swappiness = 0;
  CHECK(make_oci_config(unlimited)["linux"]["resources"]["memory"] == berth::model::Json::parse(R"({"swappiness":0})"));
}

TEST_CASE("oci: an AppArmor profile, no seccomp and unmasked system paths", "[runtime][security]") {
  ContainerSpec s = base();
  s.seccomp = std::make_shared<const SeccompProfile>(berth::model::Json{{"defaultAction", "SCMP_ACT_ERRNO"}});
  const auto confined = make_oci_config(s);
  CHECK(confined["linux"].contains("seccomp"));
  CHECK_FALSE(confined["process"].contains("apparmorProfile"));
  CHECK(confined["linux"].contains("maskedPaths"));
  s.seccomp = nullptr;
  s.apparmor_profile = "plc-reader";
  s.unmasked_system_paths = true;
  const auto lifted = make_oci_config(s);
  CHECK_FALSE(lifted["linux"].contains("seccomp"));
  CHECK(lifted["process"]["apparmorProfile"] == "plc-reader");
  CHECK_FALSE(lifted["linux"].contains("maskedPaths"));
  CHECK_FALSE(lifted["linux"].contains("readonlyPaths"));
  CHECK(lifted["process"]["noNewPrivileges"] == true);  // still unprivileged
}

namespace {
const Json* namespace_of(const Json& config, const std::string& type) {
  for (const auto& ns : config["linux"]["namespaces"]) {
    if (ns["type"] == type) return &ns;
  }
  return nullptr;
}

const Json* mount_at(const Json& config, const std::string& destination) {
  for (const auto& m : config["mounts"]) {
    if (m["destination"] == destination) return &m;
  }
  return nullptr;
}
}  // namespace

TEST_CASE("oci: pidMode and ipcMode choose the PID and IPC namespaces and /dev/shm", "[runtime][namespaces]") {
  const auto own = make_oci_config(base());
  REQUIRE(namespace_of(own, "pid"));
  CHECK_FALSE(namespace_of(own, "pid")->contains("path"));
  REQUIRE(namespace_of(own, "ipc"));
  CHECK_FALSE(namespace_of(own, "ipc")->contains("path"));
  REQUIRE(mount_at(own, "/dev/shm"));
  CHECK((*mount_at(own, "/dev/shm"))["type"] == "tmpfs");
  CHECK(own["mounts"][3]["destination"] == "/dev/shm");  // where it always was

  ContainerSpec task = base();
  task.pid_mode = NamespaceMode::task;
  task.ipc_mode = NamespaceMode::task;
  task.pid_namespace_path = "/proc/77/ns/pid";
  task.ipc_namespace_path = "/proc/77/ns/ipc";
  task.shm_source = "/run/berth/tasks/t/shm";
  const auto shared = make_oci_config(task);
  CHECK((*namespace_of(shared, "pid"))["path"] == "/proc/77/ns/pid");
  CHECK((*namespace_of(shared, "ipc"))["path"] == "/proc/77/ns/ipc");
  REQUIRE(mount_at(shared, "/dev/shm"));
  CHECK((*mount_at(shared, "/dev/shm"))["type"] == "bind");
  CHECK((*mount_at(shared, "/dev/shm"))["source"] == "/run/berth/tasks/t/shm");

  ContainerSpec host = base();
  host.pid_mode = NamespaceMode::host;
  host.ipc_mode = NamespaceMode::host;
  const auto on_host = make_oci_config(host);
  CHECK_FALSE(namespace_of(on_host, "pid"));
  CHECK_FALSE(namespace_of(on_host, "ipc"));
  CHECK((*mount_at(on_host, "/dev/shm"))["source"] == "/dev/shm");
  CHECK(namespace_of(on_host, "mount"));  // the others stay

  ContainerSpec none = base();
  none.ipc_mode = NamespaceMode::none;
  const auto without = make_oci_config(none);
  REQUIRE(namespace_of(without, "ipc"));
  CHECK_FALSE(namespace_of(without, "ipc")->contains("path"));
  CHECK_FALSE(mount_at(without, "/dev/shm"));
}

TEST_CASE("oci: initProcessEnabled runs the command under berth's init, bound read-only", "[runtime][init]") {
  ContainerSpec s = base();
  s.init = true;
  s.init_binary = "/usr/bin/berth";
  const auto config = make_oci_config(s);
  CHECK(config["process"]["args"] == Json::array({"/.berth/init", "init", "--", "sleep", "1"}));
  const Json* init = mount_at(config, "/.berth/init");
  REQUIRE(init);
  CHECK((*init)["source"] == "/usr/bin/berth");
  CHECK((*init)["options"] == Json::array({"bind", "ro", "nosuid", "nodev"}));

  const auto plain = make_oci_config(base());
  CHECK(plain["process"]["args"] == Json::array({"sleep", "1"}));
  CHECK_FALSE(mount_at(plain, "/.berth/init"));
}

TEST_CASE("oci: a pseudoTerminal container's process has a terminal, others none", "[runtime]") {
  CHECK(make_oci_config(base())["process"]["terminal"] == false);
  ContainerSpec spec = base();
  spec.terminal = true;
  CHECK(make_oci_config(spec)["process"]["terminal"] == true);
}

TEST_CASE("oci: config.json's text is the config, with the shared seccomp profile spliced in or without one",
          "[runtime][seccomp]") {
  ContainerSpec s = base();
  s.seccomp = shared_seccomp_profile(s.capabilities);
  s.sysctls = {{"net.core.somaxconn", "1024"}};
  s.hostname = "gw";
  const auto spliced = berth::model::Json::parse(oci_config_text(s));
  CHECK(spliced == make_oci_config(s));
  CHECK(spliced["linux"]["seccomp"] == s.seccomp->rules);
  CHECK(spliced["linux"]["sysctl"]["net.core.somaxconn"] == "1024");
  s.seccomp = nullptr;  // privileged, or seccomp=unconfined
  const auto plain = berth::model::Json::parse(oci_config_text(s));
  CHECK(plain == make_oci_config(s));
  CHECK_FALSE(plain["linux"].contains("seccomp"));
}

}  // namespace oci_spec_test
