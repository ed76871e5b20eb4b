// `berth peers` with the engine: the cluster's membership through its leader (dqlite's CLUSTER,
// ASSIGN and REMOVE requests). Linked only into berth-with-engine (cli/control_plane.hpp).
#include <algorithm>

#include "cli/control_plane.hpp"
#include "cli/replicated/client_bounds.hpp"

namespace berth::cli {
namespace {

namespace dq = store::dqlite;

std::string role_name(dq::Role role) {
  switch (role) {
    case dq::Role::voter: return "voter";
    case dq::Role::standby: return "standby";
    case dq::Role::spare: return "spare";
  }
  return "unknown";
}

// The leader's connection and the member at `address`; InvalidParameter when no member has it.
Result<dq::NodeInfo> member_at(dq::Connection& leader, const std::string& address) {
  BERTH_ASSIGN(const auto nodes, leader.cluster());
  const auto member = std::ranges::find(nodes, address, &dq::NodeInfo::address);
  if (member == nodes.end()) {
    return fail(Code::invalid_parameter, "no member of the control plane is at " + address +
                                     ": a new server joins by itself when started with `berth serve --peers SERVERS "
                                     "--peer-address " + address + "`");
  }
  return *member;
}

}  // namespace

Result<std::vector<PeerInfo>> list_peers(const std::vector<std::string>& servers) {
  BERTH_ASSIGN(auto leader, dq::connect_to_leader(servers, replicated_client_bounds()));
  BERTH_ASSIGN(const auto nodes, leader.cluster());
  std::vector<PeerInfo> peers;
  for (const auto& node : nodes) {
    peers.push_back({node.id, node.address, role_name(node.role), node.address == leader.address()});
  }
  return peers;
}

Result<std::string> add_peer(const std::vector<std::string>& servers, const std::string& address) {
  BERTH_ASSIGN(auto leader, dq::connect_to_leader(servers, replicated_client_bounds()));
  BERTH_ASSIGN(const auto member, member_at(leader, address));
  if (member.role == dq::Role::voter) return address + " is already a voter (node " + std::to_string(member.id) + ")";
  // The leader answers once the member has caught up with the log and votes.
  BERTH_TRY(leader.assign(member.id, dq::Role::voter));
  return address + " (node " + std::to_string(member.id) + ") is now a voter, was " + role_name(member.role);
}

Result<void> remove_peer(const std::vector<std::string>& servers, const std::string& address) {
  BERTH_ASSIGN(auto leader, dq::connect_to_leader(servers, replicated_client_bounds()));
  BERTH_ASSIGN(const auto member, member_at(leader, address));
  return leader.remove(member.id);
}

}  // namespace berth::cli
