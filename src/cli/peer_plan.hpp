// Which servers of the replicated control plane (BERTH_PEERS) this one is, and whom its dqlite
// node joins through at start: the decisions of `berth serve --peers`, apart from the engine
// (cli/control_plane.hpp) so that they are tested without it.
#pragma once

#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"

namespace berth::cli {

struct PeerPlan {
  std::string self;                 // this server's node address (BERTH_PEER_ADDRESS)
  std::vector<std::string> others;  // the other servers of BERTH_PEERS, in their order
  // The first server of BERTH_PEERS forms the cluster when nothing exists yet: one server
  // founds it, the others join it (an order every server's berth.conf shares).
  bool first = false;
};

// Checks BERTH_PEERS and BERTH_PEER_ADDRESS together: a server that is not among BERTH_PEERS is
// a new one joining those. InvalidParameter naming the keys when BERTH_PEER_ADDRESS is missing,
// or when this server would be the only one named.
[[nodiscard]] Result<PeerPlan> plan_peers(const Config& config);

// Whom this server's node joins through when it starts; empty: it starts on its own.
// - `node_kept`: the data dir holds the node's identity from an earlier start.
// - `cluster_answers`: another server already answers for a cluster (asked only by the first
//   server when it holds no node: a first server whose data dir was wiped joins the cluster
//   that exists rather than founding a second one beside it).
// The first server founds the cluster (no node, nobody answering) or restarts as its member (a
// node kept: its Raft log holds the membership). Every other server joins through the others,
// also on restart: joining is idempotent, and it is how a server that was stopped during its
// first join becomes a member.
[[nodiscard]] std::vector<std::string> nodes_to_join(const PeerPlan& plan, bool node_kept, bool cluster_answers);

}  // namespace berth::cli
