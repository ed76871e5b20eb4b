#include "runtime/lb/nat_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "common/log.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/network/bridge_network.hpp"

namespace berth::runtime::lb {
namespace {

std::string path_env() { return std::string("PATH=") + k_helper_path; }

std::string probability(std::size_t remaining) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10f", 1.0 / static_cast<double>(remaining));
  return text;
}

}  // namespace

NatChains nat_chains_for(const std::string& bridge) {
  if (bridge == "berth0") return {};
  return {"BERTH-LB-" + bridge, "BERTH-LBM-" + bridge};
}

std::string render_nat_rules(const std::vector<model::TcpForward>& forwards, const NatChains& chains) {
  const std::string& nat = chains.nat;
  const std::string& masq = chains.masquerade;
  std::string out = "*nat\n:" + nat + " - [0:0]\n:" + masq + " - [0:0]\n";
  for (const auto& f : forwards) {
    if (f.endpoints.empty()) continue;  // nothing listens: the connection is refused
    const std::string match = "-A " + nat + " -p tcp -m tcp --dport " + std::to_string(f.port) +
                              " -m comment --comment \"berth listener " + std::to_string(f.port) + "\"";
    out += match + " -j MARK --set-xmark " + std::string(k_masquerade_mark) + "\n";
    for (std::size_t i = 0; i < f.endpoints.size(); ++i) {
      const std::size_t remaining = f.endpoints.size() - i;
      out += match;
      if (remaining > 1) out += " -m statistic --mode random --probability " + probability(remaining);
      out += " -j DNAT --to-destination " + f.endpoints[i].address + ":" + std::to_string(f.endpoints[i].port) + "\n";
    }
  }
  out += "-A " + masq + " -m mark --mark " + std::string(k_masquerade_mark) + " -j MASQUERADE\nCOMMIT\n";
  return out;
}

Result<void> NatRules::ensure_hooks() {
  const std::string& nat = m_chains.nat;
  const std::string& masq = m_chains.masquerade;
  const std::vector<std::vector<std::string>> hooks = {
      {"PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", nat},
      {"OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", nat},
      {"POSTROUTING", "-j", masq},
  };
  for (const auto& hook : hooks) {
    const auto run = [&](const char* action) {
      std::vector<std::string> argv = {m_iptables, "-w", "-t", "nat", action};
      argv.insert(argv.end(), hook.begin(), hook.end());
      return run_captured(argv, {path_env()}, "");
    };
    BERTH_ASSIGN(const auto present, run("-C"));
    if (present.exit_code == 0) continue;
    BERTH_ASSIGN(const auto inserted, run("-I"));
    if (inserted.exit_code != 0) {
      return fail(Code::server, "cannot hook " + nat + " into nat " + hook.front() + " (iptables exit code " +
                                    std::to_string(inserted.exit_code) + ")");
    }
  }
  return {};
}

Result<void> NatRules::apply(const std::vector<model::TcpForward>& forwards) {
  if (m_restore.empty() || m_iptables.empty()) {
    return fail(Code::server, "iptables-restore is missing: network listeners need it (install iptables)");
  }
  BERTH_ASSIGN(const auto restored, run_captured({m_restore, "-w", "--noflush"}, {path_env()}, render_nat_rules(forwards, m_chains)));
  if (restored.exit_code != 0) {
    return fail(Code::server, "iptables-restore refused berth's listener rules (exit code " +
                                  std::to_string(restored.exit_code) + ")");
  }
  hold_ports(forwards);
  // Checked once per process: a firewall reload that drops the hooks is repaired at the next start.
  if (!m_hooked) {
    BERTH_TRY(ensure_hooks());
    m_hooked = true;
  }
  return {};
}

void NatRules::hold_ports(const std::vector<model::TcpForward>& forwards) {
  const auto key = [](int port) { return "listener " + std::to_string(port); };
  std::vector<int> now;
  for (const auto& f : forwards) now.push_back(f.port);
  for (const int port : m_held) {
    if (std::find(now.begin(), now.end(), port) == now.end()) m_ports.release(key(port));
  }
  for (const int port : now) {
    if (!m_ports.held_by(key(port)).empty()) continue;
    // Tried again at each apply: a program that let the port go leaves it to the listener.
    if (auto held = m_ports.reserve(key(port), {HostPort{port, "tcp"}}); !held) {
      if (std::find(m_held.begin(), m_held.end(), port) == m_held.end()) {
        log_warn("network listener on port " + std::to_string(port) + ": " + held.error().message +
                 ": connections to it on the host's addresses reach the listener's targets, not that program");
      }
    }
  }
  m_held = std::move(now);
}

std::vector<int> NatRules::held_ports() const {
  std::vector<int> out;
  for (const int port : m_held) {
    if (!m_ports.held_by("listener " + std::to_string(port)).empty()) out.push_back(port);
  }
  return out;
}

}  // namespace berth::runtime::lb
