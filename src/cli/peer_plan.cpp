#include "cli/peer_plan.hpp"

#include <algorithm>

namespace berth::cli {

Result<PeerPlan> plan_peers(const Config& config) {
  if (config.peer_address.empty()) {
    return fail(Code::invalid_parameter,
                "BERTH_PEERS (--peers) needs BERTH_PEER_ADDRESS (--peer-address): which of the servers this one is");
  }
  PeerPlan plan;
  plan.self = config.peer_address;
  for (const auto& peer : config.peers) {
    if (peer != plan.self) plan.others.push_back(peer);
  }
  if (plan.others.empty()) {
    return fail(Code::invalid_parameter, "BERTH_PEERS (--peers) names no server but this one (" + plan.self +
                                             "): a replicated control plane has three or five; without BERTH_PEERS "
                                             "berth keeps its state in SQLite on a file");
  }
  plan.first = !config.peers.empty() && config.peers.front() == plan.self;
  return plan;
}

std::vector<std::string> nodes_to_join(const PeerPlan& plan, bool node_kept, bool cluster_answers) {
  if (plan.first && (node_kept || !cluster_answers)) return {};
  return plan.others;
}

}  // namespace berth::cli
