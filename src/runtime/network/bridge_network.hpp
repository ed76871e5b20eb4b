// Bridge networking through the standard CNI plugins (containernetworking-plugins: bridge with
// host-local IPAM, portmap, loopback), called as the CNI spec says: the plugin binary with
// CNI_* variables and the network configuration on stdin. Each attachment's configuration and
// results are kept in a state file, so CNI DEL gets exactly what ADD was given even after a
// crash, a restart of berth or a change of settings. Thread-safe for distinct tasks.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "model/schema.hpp"
#include "runtime/network/host_port_reservations.hpp"

namespace berth::runtime {

// What CNI plugins and iptables run with: a PATH and nothing else of berth's environment.
inline constexpr const char* k_helper_path = "/usr/sbin:/usr/bin:/sbin:/bin";

// The iptables binary the portmap plugin finds on k_helper_path, so both use one backend; "" if
// there is none.
[[nodiscard]] std::string iptables_binary();

struct BridgeNetworkConfig {
  std::string plugin_dir = "/usr/lib/cni";
  std::string bridge = "berth0";
  std::string subnet = "172.31.0.0/16";
  std::string network_name = "berth";
  // host-local's leases: under the run directory, so a reboot clears them with the containers.
  std::string ipam_dir = "/run/berth/ipam";
  std::string netns_dir = "/run/berth/netns";
  // Attachment records; persistent, so a reboot's leftovers are still released.
  std::string state_dir = "/var/lib/berth/network";
  // Where a dynamic port taken since placement is replaced from (ECS_DYNAMIC_HOST_PORT_RANGE,
  // else the kernel's ephemeral range), less the instance's reserved ports.
  DynamicPorts dynamic_ports;
};

struct PortMapping {
  int host_port = 0;
  int container_port = 0;
  std::string protocol = "tcp";
  bool dynamic = false;  // hostPort 0 or out in the task definition: placement chose host_port
};

struct Attachment {
  std::string netns;      // the namespace's path, for the OCI spec
  std::string address;    // the task's IPv4 address on the bridge
  std::string gateway;
  // The ports published, in the order asked: a dynamic one taken since placement has the port
  // held in its place; an attachment found on record has what it published then.
  std::vector<PortMapping> ports;
};

class BridgeNetwork {
 public:
  explicit BridgeNetwork(BridgeNetworkConfig config) : m_config(std::move(config)) {}

  // Creates the task's namespace and attaches it: lo up, eth0 on the bridge with an address,
  // `ports` published on the host and held there (HostPortReservations): a static port another
  // program holds fails the attach before anything is made; a dynamic one is replaced by a free
  // port of the dynamic range. Idempotent for a task already attached (its ports are those on
  // record). On failure, undoes what it did and says which plugin failed and why.
  [[nodiscard]] Result<Attachment> attach(const std::string& task_id, const std::vector<PortMapping>& ports);
  // CNI DEL of what attach made (portmap, then bridge), then the namespace is removed and the
  // host ports let go. Tolerates a namespace that is already gone.
  [[nodiscard]] Result<void> detach(const std::string& task_id);
  // Tasks with an attachment record (for cleaning up after a crash).
  std::vector<std::string> attached_tasks() const;
  // Keeps the bridge's traffic off the host's loopback: portmap turns on route_localnet for the
  // bridge (so published ports answer on 127.0.0.1), which would also let a container with
  // CAP_NET_RAW reach any 127.0.0.1 service of the host, berth's API included. Inserts (if missing)
  // an iptables INPUT rule dropping packets from the bridge to 127.0.0.0/8 that were not DNAT-ed
  // from a published port (as Kubernetes did for CVE-2020-8558). Idempotent across restarts:
  // an existing rule is found with `iptables -C`, never added twice. attach() calls it first,
  // every time, so a rule flushed since the last attach is put back.
  [[nodiscard]] Result<void> guard_host_loopback();
  std::string netns_path(const std::string& task_id) const { return m_config.netns_dir + "/" + task_id; }
  // After berth restarts: holds again the host ports of every attachment on record (its sockets
  // went with the process). A port taken meanwhile by another program is reported, not fatal:
  // the task runs already. Returns what could not be held, one line per port.
  std::vector<std::string> reserve_attached_ports();
  // The ports `task_id` holds now.
  std::vector<HostPort> held_ports(const std::string& task_id) const { return m_ports.held_by(task_id); }

 private:
  std::string state_path(const std::string& task_id) const { return m_config.state_dir + "/" + task_id + ".json"; }
  Result<model::Json> invoke(const model::Json& config, const std::string& command, const std::string& task_id,
                             const std::string& ifname) const;

  BridgeNetworkConfig m_config;
  HostPortReservations m_ports;
  // One iptables check-and-insert at a time. It guards the host's rule, not a member, so the
  // analysis has nothing to check here.
  Mutex m_guard_mutex;
};

}  // namespace berth::runtime
