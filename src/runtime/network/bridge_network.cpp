#include "runtime/network/bridge_network.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/network/netns.hpp"

namespace berth::runtime {
namespace {

using model::Json;

constexpr const char* k_cni_version = "1.0.0";
Attachment attachment_of(const std::string& netns, const Json& result) {
  Attachment a;
  a.netns = netns;
  for (const auto& ip : result.value("ips", Json::array())) {
    const std::string address = ip.value("address", "");
    if (address.find(':') != std::string::npos) continue;  // IPv4 first; IPv6 is not configured
    a.address = address.substr(0, address.find('/'));
    a.gateway = ip.value("gateway", "");
    break;
  }
  return a;
}

std::vector<WantedPort> wanted_ports_of(const std::vector<PortMapping>& ports) {
  std::vector<WantedPort> out;
  for (const auto& p : ports) out.push_back(WantedPort{HostPort{p.host_port, p.protocol}, p.dynamic});
  return out;
}

// The ports an attachment record published (portmap's runtimeConfig, as ADD was given it).
std::vector<PortMapping> mappings_of(const Json& state) {
  std::vector<PortMapping> out;
  if (!state.contains("portmap")) return out;
  const Json mappings = state["portmap"].value("runtimeConfig", Json::object()).value("portMappings", Json::array());
  for (const auto& m : mappings) {
    if (m.is_object() && m.value("hostPort", Json()).is_number_integer()) {
      const Json container = m.value("containerPort", Json());
      out.push_back({m["hostPort"].get<int>(), container.is_number_integer() ? container.get<int>() : 0,
                     m.value("protocol", "tcp")});
    }
  }
  return out;
}

std::vector<HostPort> host_ports_of(const std::vector<PortMapping>& ports) {
  std::vector<HostPort> out;
  for (const auto& p : ports) out.push_back(HostPort{p.host_port, p.protocol});
  return out;
}

}  // namespace

std::string iptables_binary() { return find_executable("iptables", k_helper_path); }

Result<Json> BridgeNetwork::invoke(const Json& config, const std::string& command, const std::string& task_id,
                                   const std::string& ifname) const {
  const std::string plugin = m_config.plugin_dir + "/" + config["type"].get<std::string>();
  struct stat st {};
  if (::stat(plugin.c_str(), &st) != 0) {
    return fail(Code::server, "CNI plugin " + plugin + " is missing (install containernetworking-plugins, or set BERTH_CNI_PATH)");
  }
  // portmap and bridge run iptables and sysctl: give them a PATH, nothing else of berth's env.
  const std::vector<std::string> env = {"CNI_COMMAND=" + command, "CNI_CONTAINERID=" + task_id,
                                        "CNI_NETNS=" + netns_path(task_id), "CNI_IFNAME=" + ifname,
                                        "CNI_PATH=" + m_config.plugin_dir, std::string("PATH=") + k_helper_path};
  BERTH_ASSIGN(auto run, run_captured({plugin}, env, config.dump()));
  const Json reply = run.output.empty() ? Json::object() : Json::parse(run.output, nullptr, false);
  if (run.exit_code != 0) {
    std::string why = reply.is_object() ? reply.value("msg", "") : "";
    if (reply.is_object() && reply.contains("details")) why += ": " + reply.value("details", "");
    if (why.empty()) why = "exit code " + std::to_string(run.exit_code);
    return fail(Code::server, "CNI " + command + " " + config["type"].get<std::string>() + ": " + why);
  }
  if (reply.is_discarded()) return fail(Code::server, "CNI " + command + " " + config["type"].get<std::string>() + ": unreadable result");
  return reply;
}

Result<void> BridgeNetwork::guard_host_loopback() {
  // Checked on every call, not once per process: a firewall reload or `iptables -F` removes the
  // rule while portmap's route_localnet stays on. Attaches are rare; one `iptables -C` is cheap.
  MutexLock lock(m_guard_mutex);
  const std::string iptables = iptables_binary();
  if (iptables.empty()) return fail(Code::server, "iptables is missing: bridge networking needs it (install iptables)");
  // Packets the portmap DNAT-ed (127.0.0.1:hostPort answered from a container) and replies of
  // connections the host opened keep flowing; anything else from the bridge to loopback drops.
  const std::vector<std::string> rule = {"INPUT", "-i", m_config.bridge, "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8",
                                         "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
                                         "-m", "comment", "--comment", "berth: no bridge traffic to host loopback",
                                         "-j", "DROP"};
  const auto iptables_run = [&](const char* action) {
    std::vector<std::string> argv = {iptables, "-w", "-t", "filter", action};
    argv.insert(argv.end(), rule.begin(), rule.end());
    return run_captured(argv, {std::string("PATH=") + k_helper_path}, "");
  };
  BERTH_ASSIGN(auto present, iptables_run("-C"));
  if (present.exit_code != 0) {
    BERTH_ASSIGN(auto inserted, iptables_run("-I"));
    if (inserted.exit_code != 0) {
      return fail(Code::server, "cannot add the iptables rule that keeps bridge " + m_config.bridge +
                                    " off the host's loopback (iptables exit code " + std::to_string(inserted.exit_code) + ")");
    }
  }
  return {};
}

Result<Attachment> BridgeNetwork::attach(const std::string& task_id, const std::vector<PortMapping>& ports) {
  // Before any plugin runs: portmap's route_localnet must never be on without the guard.
  BERTH_TRY(guard_host_loopback());
  const std::string netns = netns_path(task_id);
  if (auto existing = read_file(state_path(task_id)); existing) {
    const Json state = Json::parse(*existing, nullptr, false);
    if (state.is_object() && state.contains("result") && is_network_namespace(netns)) {
      // What was bound then, not what placement chose: a dynamic port may have been replaced.
      auto found = attachment_of(netns, state["result"]);
      found.ports = mappings_of(state);
      if (auto held = m_ports.reserve(task_id, host_ports_of(found.ports)); !held) log_warn("task " + task_id + ": " + held.error().message);
      return found;
    }
  }
  // Held before anything is made: a port in use fails here with nothing to undo.
  BERTH_ASSIGN(const auto held, m_ports.reserve(task_id, wanted_ports_of(ports), m_config.dynamic_ports));
  std::vector<PortMapping> published = ports;
  for (std::size_t i = 0; i < published.size() && i < held.size(); ++i) {
    if (published[i].host_port == held[i].port) continue;
    log_info("task " + task_id + ": host port " + std::to_string(published[i].host_port) + "/" + published[i].protocol +
             " was taken since placement; dynamic port " + std::to_string(held[i].port) + " is published instead");
    published[i].host_port = held[i].port;
  }
  if (auto made = create_network_namespace(netns); !made) {
    m_ports.release(task_id);
    return std::unexpected(made.error());
  }
  Json mappings = Json::array();
  for (const auto& p : published) {
    mappings.push_back({{"hostPort", p.host_port}, {"containerPort", p.container_port}, {"protocol", p.protocol}});
  }
  Json state{{"netns", netns},
             {"loopback", {{"cniVersion", k_cni_version}, {"name", "lo"}, {"type", "loopback"}}},
             {"bridge", {{"cniVersion", k_cni_version}, {"name", m_config.network_name}, {"type", "bridge"},
                         {"bridge", m_config.bridge}, {"isGateway", true}, {"ipMasq", true}, {"hairpinMode", true},
                         {"ipam", {{"type", "host-local"}, {"ranges", {{{{"subnet", m_config.subnet}}}}},
                                   {"routes", {{{"dst", "0.0.0.0/0"}}}}, {"dataDir", m_config.ipam_dir}}}}}};
  if (!ports.empty()) {
    state["portmap"] = {{"cniVersion", k_cni_version}, {"name", m_config.network_name}, {"type", "portmap"},
                        {"capabilities", {{"portMappings", true}}}, {"snat", true},
                        {"runtimeConfig", {{"portMappings", mappings}}}};
  }
  // Recorded before ADD: whatever happens next, a later DEL knows what to undo.
  const auto recorded = [&]() -> Result<void> {
    BERTH_TRY(make_dirs(m_config.state_dir, 0700));
    return write_file_atomic(state_path(task_id), state.dump());
  }();
  if (!recorded) {
    (void)remove_network_namespace(netns);
    m_ports.release(task_id);
    return std::unexpected(recorded.error());
  }
  const auto undo = [&](const Error& error) -> Result<Attachment> {
    if (auto ok = detach(task_id); !ok) log_warn("task " + task_id + ": network cleanup: " + ok.error().message);
    return std::unexpected(error);
  };
  if (auto lo = invoke(state["loopback"], "ADD", task_id, "lo"); !lo) return undo(lo.error());
  auto result = invoke(state["bridge"], "ADD", task_id, "eth0");
  if (!result) return undo(result.error());
  state["result"] = *result;
  if (state.contains("portmap")) {
    Json portmap = state["portmap"];
    portmap["prevResult"] = *result;
    if (auto mapped = invoke(portmap, "ADD", task_id, "eth0"); !mapped) return undo(mapped.error());
  }
  if (auto ok = write_file_atomic(state_path(task_id), state.dump()); !ok) return undo(ok.error());
  auto attached = attachment_of(netns, *result);
  attached.ports = std::move(published);
  return attached;
}

Result<void> BridgeNetwork::detach(const std::string& task_id) {
  auto text = read_file(state_path(task_id));
  if (text) {
    const Json state = Json::parse(*text, nullptr, false);
    if (!state.is_object()) return fail(Code::server, "corrupt network state " + state_path(task_id));
    const Json result = state.value("result", Json());
    // Reverse order of ADD; each DEL gets the result ADD returned, when there was one.
    for (const char* step : {"portmap", "bridge"}) {
      if (!state.contains(step)) continue;
      Json config = state[step];
      if (!result.is_null()) config["prevResult"] = result;
      BERTH_TRY(invoke(config, "DEL", task_id, "eth0"));
    }
  }
  BERTH_TRY(remove_network_namespace(netns_path(task_id)));
  if (text) {
    std::error_code ec;
    std::filesystem::remove(state_path(task_id), ec);
  }
  // Only now: while a DNAT rule may remain, the port stays held against the kernel's choices.
  m_ports.release(task_id);
  return {};
}

std::vector<std::string> BridgeNetwork::reserve_attached_ports() {
  std::vector<std::string> failures;
  for (const auto& task_id : attached_tasks()) {
    const auto text = read_file(state_path(task_id));
    if (!text) continue;
    const Json state = Json::parse(*text, nullptr, false);
    if (!state.is_object()) continue;
    for (const auto& port : host_ports_of(mappings_of(state))) {
      // One at a time, so one port taken meanwhile does not leave the task's others unheld.
      if (auto held = m_ports.reserve(task_id, {port}); !held) failures.push_back("task " + task_id + ": " + held.error().message);
    }
  }
  return failures;
}

std::vector<std::string> BridgeNetwork::attached_tasks() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_config.state_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.ends_with(".json")) out.push_back(name.substr(0, name.size() - 5));
  }
  return out;
}

}  // namespace berth::runtime
