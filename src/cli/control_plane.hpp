// The replicated control plane as `berth serve --peers` and `berth peers` use it (issue 17):
// this server's dqlite node run in the process, the store on the replicated database, and the
// membership commands. (The server whose node leads the Raft cluster runs the schedulers, under
// the term of the store's scheduler leadership, svc/scheduler_leadership.hpp.) Implemented in cli/replicated/ with the
// engine (berth-with-engine); the default `berth` links cli/without_engine.cpp instead, whose
// functions refuse and name the binary to use (the Makefile's ENGINE_SRC split).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/peer_plan.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "store/store.hpp"

namespace berth::cli {

// What a binary without the engine answers to --peers and `berth peers`.
inline constexpr const char* k_no_engine =
    "this berth was built without the replicated control plane's engine (dqlite): run berth-with-engine "
    "(make builds it beside berth, build/<triple>/berth-with-engine) for --peers and `berth peers`";

class ControlPlane {
 public:
  virtual ~ControlPlane() = default;
  // The store on the replicated database: every call goes to the leader, wherever it is.
  [[nodiscard]] virtual Result<std::unique_ptr<store::Store>> open_store() = 0;
  virtual const PeerPlan& plan() const = 0;
  // Whether this server's node leads the Raft cluster now, as the node itself knows it (asked of
  // the node, nothing written): the scheduler leadership's lease. A node cut off from the
  // majority stops believing it within its election timeout. Called from one thread at a time.
  [[nodiscard]] virtual Result<bool> leads_consensus() = 0;
};

// Starts this server's node (its data under DATA-DIR/dqlite), founding the cluster, restarting
// as its member or joining it (cli/peer_plan.hpp), and waits until a leader answers for it.
// Refused when this server joins with no secrets key of its own: every server seals and opens
// secrets with the same key, copied from one that has it.
[[nodiscard]] Result<std::unique_ptr<ControlPlane>> start_control_plane(const Config& config);

struct PeerInfo {
  std::uint64_t id = 0;
  std::string address;
  std::string role;  // voter, standby or spare
  bool leader = false;
};

// `berth peers`: the membership as the leader holds it, found among `servers` (their nodes'
// addresses); adding makes a member a voter; removing takes one out of the cluster.
[[nodiscard]] Result<std::vector<PeerInfo>> list_peers(const std::vector<std::string>& servers);
// Returns what was done, for the operator.
[[nodiscard]] Result<std::string> add_peer(const std::vector<std::string>& servers, const std::string& address);
[[nodiscard]] Result<void> remove_peer(const std::vector<std::string>& servers, const std::string& address);

}  // namespace berth::cli
