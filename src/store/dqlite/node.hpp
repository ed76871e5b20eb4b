// A dqlite node run in this process: Raft-replicated SQLite serving dqlite's wire protocol on its
// address, on a thread of its own (libuv loop). Node is owned by one thread; destroying it stops
// the node. The node's identity (its Raft id) is kept in its data dir, so a restart rejoins as itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/dqlite/client.hpp"

struct dqlite_node;

namespace berth::store::dqlite {

struct NodeConfig {
  std::string data_dir;  // the Raft log and snapshots; created (mode 0700) if missing
  std::string address;   // "ip:port" it listens on and the others reach it at (IPv4)
  // Nodes of the cluster to join. Empty: this node forms a new cluster of one (it bootstraps).
  std::vector<std::string> join;
  // The network's expected latency: dqlite sets the heartbeat to 1.5x and the election timeout to
  // 15x it. Zero keeps dqlite's defaults (heartbeat 500 ms, election 3 s).
  std::chrono::milliseconds network_latency{0};
  // How many log entries between snapshots, and how many are kept after one (zero keeps dqlite's
  // 1024 and 8192). Raft holds every kept entry in memory, and an entry is the pages its
  // transaction wrote: fewer bound the node's RSS, at the cost of a full snapshot, not entries,
  // for a node that fell further behind.
  unsigned snapshot_threshold = 0;
  unsigned snapshot_trailing = 0;
  // How long joining may wait for the cluster to name a leader that accepts this node.
  std::chrono::milliseconds join_timeout{30000};
  ClientOptions client;
};

class Node {
 public:
  // Starts the node; with `join`, makes it a voter of that cluster (ADD then ASSIGN on the
  // leader, skipped for what the configuration already holds, so a restart is idempotent).
  // Precondition: the process ignores SIGPIPE (refused otherwise: a peer hanging up would kill it).
  // ServerException when dqlite refuses to start or no leader accepts the node in time.
  [[nodiscard]] static Result<std::unique_ptr<Node>> start(const NodeConfig& config);

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();

  std::uint64_t id() const { return m_id; }
  const std::string& address() const { return m_address; }

 private:
  Node(dqlite_node* node, std::uint64_t id, std::string address) : m_node(node), m_id(id), m_address(std::move(address)) {}
  dqlite_node* m_node;
  std::uint64_t m_id;
  std::string m_address;
};

}  // namespace berth::store::dqlite
