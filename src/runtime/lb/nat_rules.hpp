// The kernel half of berth's network (TCP) listeners, as kube-proxy's iptables mode does it: one
// nat chain, BERTH-LB, jumped to from PREROUTING and OUTPUT for packets to the host's own
// addresses, DNATs a new connection to a listener's port onto one of its endpoints, chosen by
// `-m statistic --mode random` with probabilities 1/n, 1/(n-1), ..., 1 (even spread); marked
// connections are masqueraded in BERTH-LB-MASQ (POSTROUTING) so that replies come back through
// the host whichever way the connection came (127.0.0.1 included, given route_localnet on the
// bridge, which portmap sets). A forwarded connection never reaches berth. The chains are
// replaced whole by one `iptables-restore --noflush` (atomic: a connection sees the old rules or
// the new ones), so rebuilding after a change or at start leaves nothing stale. A berth on another
// bridge than the default (several berths on one host, as the integration tests run them) has
// chains of its own, named after its bridge, so that one berth's rebuild never empties another's.
// Thread-compatible: one caller at a time (the ELB worker).
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/elb_data_plan.hpp"
#include "runtime/network/host_port_reservations.hpp"

namespace berth::runtime::lb {

inline constexpr std::string_view k_masquerade_mark = "0x10000/0x10000";

struct NatChains {
  std::string nat = "BERTH-LB";
  std::string masquerade = "BERTH-LB-MASQ";
};

// The chains of the berth whose bridge is `bridge`: BERTH-LB and BERTH-LB-MASQ for the default
// berth0, else BERTH-LB-<bridge> and BERTH-LBM-<bridge> (a bridge name has at most 15 characters,
// a chain's at most 28).
NatChains nat_chains_for(const std::string& bridge);

// The iptables-restore input that makes the two chains do `forwards` (and nothing else).
std::string render_nat_rules(const std::vector<model::TcpForward>& forwards, const NatChains& chains = {});

class NatRules {
 public:
  // `iptables_restore` and `iptables`: absolute paths (iptables-nft or legacy, as the host has).
  NatRules(std::string iptables_restore, std::string iptables, NatChains chains = {})
      : m_restore(std::move(iptables_restore)), m_iptables(std::move(iptables)), m_chains(std::move(chains)) {}

  // Replaces the chains' rules with `forwards`' and makes sure the hooks jump to them. Each
  // forwarded port is held with a bound socket while it is forwarded, as a bridge task's host
  // port is (runtime/network/host_port_reservations): the DNAT holds none, so the kernel could
  // hand the port to a host program's bind(:0) or outgoing connection. A port some host program
  // holds already is logged (its clients on the host's addresses reach the listener's targets),
  // not refused: the listener exists.
  [[nodiscard]] Result<void> apply(const std::vector<model::TcpForward>& forwards);
  // The ports held now, for tests.
  std::vector<int> held_ports() const;

 private:
  Result<void> ensure_hooks();
  void hold_ports(const std::vector<model::TcpForward>& forwards);
  std::string m_restore, m_iptables;
  NatChains m_chains;
  bool m_hooked = false;
  HostPortReservations m_ports;  // by "listener <port>"
  std::vector<int> m_held;       // the ports reserved (or tried) for the forwards applied last
};

}  // namespace berth::runtime::lb
