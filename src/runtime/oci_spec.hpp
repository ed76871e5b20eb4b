// ContainerSpec: everything runc needs to run one container, as plain data, and its rendering
// into an OCI runtime config.json. Pure; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/schema.hpp"
#include "runtime/container_logging.hpp"
#include "runtime/linux/host_devices.hpp"
#include "runtime/linux/seccomp_profile.hpp"

namespace berth::runtime {

struct Mount {
  std::string destination;
  std::string type;    // "bind", "tmpfs", ...
  std::string source;
  std::vector<std::string> options;
};

struct Rlimit {
  std::string type;    // "RLIMIT_NOFILE"
  unsigned long long soft = 0;
  unsigned long long hard = 0;
};

// A host device node mapped into the container, with the cgroup access it grants ("r", "rw",
// "rwm", ...): creating the node alone grants none.
struct Device {
  std::string container_path;
  DeviceNode node;
  std::string access = "rwm";
};

enum class NetworkNamespace { host, private_ };

// A container's PID or IPC namespace (ECS pidMode/ipcMode): its own, the one its task's containers
// share, the host's, or (IPC only) its own without a /dev/shm.
enum class NamespaceMode { private_, task, host, none };

// Where a container with initProcessEnabled finds berth's binary, its init.
inline constexpr const char* k_init_path = "/.berth/init";

struct ContainerSpec {
  std::string id;                        // runc container id
  std::string image_rootfs;              // the image's shared read-only root (overlay lower)
  std::string rootfs;                    // the container's root; set by the runtime
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  unsigned uid = 0;
  unsigned gid = 0;
  std::vector<unsigned> additional_gids;
  std::string hostname;
  bool readonly_rootfs = false;
  bool privileged = false;
  std::set<std::string> capabilities;    // final set, "CAP_*"
  std::vector<Rlimit> rlimits;
  std::vector<Mount> mounts;             // beyond the standard /proc, /dev, /sys ones
  std::vector<Device> devices;           // beyond runc's default nodes (null, zero, tty, ...)
  NetworkNamespace network = NetworkNamespace::private_;
  std::string network_namespace_path;    // private_: join this one (bridge: the task's) if set
  std::string cgroups_path;              // "/berth/<task>/<container>"
  long long cpu_shares = 2;
  std::optional<long long> memory_limit_bytes;
  std::optional<long long> memory_reservation_bytes;
  std::optional<long long> swap_limit_bytes;  // memory+swap; equal to the limit = no swap
  std::optional<long long> pids_limit;
  std::optional<long long> swappiness;   // memory.swappiness 0..100 (cgroup v1; runc ignores it on v2)
  std::optional<long long> shm_size_bytes;  // the private /dev/shm; 64 MiB if unset
  std::map<std::string, std::string> sysctls;      // linux.sysctl: parameters of the container's own namespaces
  std::map<std::string, std::string> annotations;  // dockerLabels plus ECS's com.amazonaws.ecs.* labels
  bool cgroup_v2 = false;
  // OCI linux.seccomp, or null for none (privileged); shared and never changed, as the default
  // profiles are built once per capability set (shared_seccomp_profile).
  std::shared_ptr<const SeccompProfile> seccomp;
  std::string apparmor_profile;          // process.apparmorProfile; empty: none
  bool unmasked_system_paths = false;    // no masked or read-only /proc and /sys paths (systempaths=unconfined)
  NamespaceMode pid_mode = NamespaceMode::private_;
  NamespaceMode ipc_mode = NamespaceMode::private_;
  std::string task_id;                   // the task whose namespaces a task mode joins and whose storage limit its writable layer counts against
  std::string pid_namespace_path;        // pid_mode task: set by the runtime (the task's holder)
  std::string ipc_namespace_path;        // ipc_mode task: set by the runtime
  std::string shm_source;                // ipc_mode task: the task's /dev/shm, set by the runtime
  bool init = false;                     // initProcessEnabled: berth's init runs args as its child
  std::string init_binary;               // init: the host path of berth's binary, set by the runtime
  bool terminal = false;                 // process.terminal (pseudoTerminal): runc makes a pty for the shim
  bool open_stdin = false;               // interactive: stdin stays open for `berth attach` (the shim's, not OCI's)
  ContainerLogging logging;              // where the shim puts the output (the logConfiguration's driver)
};

// Docker's default capability set.
std::set<std::string> default_capabilities();

// Applies ECS `linuxParameters.capabilities` add/drop ("NET_ADMIN" or "CAP_NET_ADMIN"; "ALL").
std::set<std::string> adjust_capabilities(std::set<std::string> base, const model::Json& add,
                                          const model::Json& drop);

// Every capability the kernel knows (for privileged containers).
std::set<std::string> all_capabilities();

// Renders the OCI runtime config for `spec`.
model::Json make_oci_config(const ContainerSpec& spec);
// The same config as config.json's text: the shared seccomp profile's text is spliced in as it
// is rather than copied into the document and serialized again (0.1 ms of a start).
std::string oci_config_text(const ContainerSpec& spec);

// cpu.weight for cgroup v2 from cpu.shares, as runc <= 1.3 converts it (2..262144 → 1..10000).
long long shares_to_weight(long long shares);

}  // namespace berth::runtime
