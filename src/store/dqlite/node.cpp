#include "store/dqlite/node.hpp"

// dqlite 1.11's header declares C functions without an extern "C" block of its own.
extern "C" {
#include <dqlite.h>
}

#include <signal.h>

#include <algorithm>
#include <thread>

#include "common/files.hpp"
#include "common/numbers.hpp"

namespace berth::store::dqlite {

namespace {

// dqlite bootstraps a cluster of one only for a node whose id is 1 (or its own fixed bootstrap id).
constexpr std::uint64_t k_bootstrap_id = 1;

// Returns the id kept in the data dir, or a new one kept there before the node first starts: a
// node that restarts must come back as the same Raft member.
Result<std::uint64_t> node_id(const NodeConfig& config) {
  const std::string path = config.data_dir + "/berth-node-id";
  auto text = read_file(path);
  if (text) {
    const auto id = parse_integer<std::uint64_t>(trim(*text));
    if (!id || *id == 0) return fail(Code::server, path + " does not hold a dqlite node id");
    return *id;
  }
  if (text.error().sys_errno != ENOENT) return std::unexpected(text.error());
  std::uint64_t id = k_bootstrap_id;
  if (!config.join.empty()) {
    // Random from the address and the time; 1 would make a joining node found a cluster of its own.
    for (int tries = 0; id == k_bootstrap_id && tries < 8; ++tries) id = dqlite_generate_node_id(config.address.c_str());
    if (id == k_bootstrap_id || id == 0) return fail(Code::server, "dqlite gave no usable node id");
  }
  BERTH_TRY(write_file_atomic(path, std::to_string(id) + "\n", 0600));
  return id;
}

// Makes node `id` a voter of the cluster through its leader; idempotent (a restart finds itself in
// the configuration). Fails with the last answer when no leader accepts it before the deadline.
Result<void> join(const NodeConfig& config, std::uint64_t id) {
  const auto deadline = std::chrono::steady_clock::now() + config.join_timeout;
  Error last{Code::server, "no attempt"};
  while (true) {
    auto attempt = [&]() -> Result<bool> {
      BERTH_ASSIGN(auto leader, connect_to_leader(config.join, config.client));
      BERTH_ASSIGN(const auto nodes, leader.cluster());
      const auto self = std::ranges::find(nodes, id, &NodeInfo::id);
      if (self != nodes.end() && self->role == Role::voter) return true;
      if (self == nodes.end()) BERTH_TRY(leader.add(id, config.address));
      // A voter only once it has caught up with the log: the leader answers when it has.
      BERTH_TRY(leader.assign(id, Role::voter));
      return true;
    };
    auto done = attempt();
    if (done) return {};
    last = done.error();
    if (std::chrono::steady_clock::now() >= deadline) break;
    // The cluster may be electing a leader, or committing another change (one at a time).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::unexpected(last.wrap("join dqlite cluster as " + config.address));
}

}  // namespace

Result<std::unique_ptr<Node>> Node::start(const NodeConfig& config) {
  // libuv writes to peers with write(2): one that hung up raises SIGPIPE, which by default ends
  // the whole process. berth serve ignores it; a caller that does not must not start a node.
  struct sigaction pipe {};
  if (::sigaction(SIGPIPE, nullptr, &pipe) != 0 || pipe.sa_handler == SIG_DFL) {
    return fail(Code::server, "dqlite node " + config.address + ": SIGPIPE must be ignored before a node starts");
  }
  BERTH_TRY(make_dirs(config.data_dir, 0700));
  BERTH_ASSIGN(const auto id, node_id(config));
  dqlite_node* raw = nullptr;
  const int created = dqlite_node_create(id, config.address.c_str(), config.data_dir.c_str(), &raw);
  // dqlite allocates the node even when create fails (for its message): destroy it either way.
  auto refuse = [&](std::string what) {
    std::string message = "dqlite node " + config.address + ": " + what;
    if (raw != nullptr) {
      if (const char* detail = dqlite_node_errmsg(raw); detail != nullptr && *detail != '\0') message += ": " + std::string(detail);
      dqlite_node_destroy(raw);
    }
    return fail(Code::server, message);
  };
  if (created != 0) return refuse("create failed (" + std::to_string(created) + ")");
  if (dqlite_node_set_bind_address(raw, config.address.c_str()) != 0) return refuse("cannot listen");
  if (config.network_latency.count() > 0 &&
      dqlite_node_set_network_latency_ms(raw, static_cast<unsigned>(config.network_latency.count())) != 0) {
    return refuse("network latency " + std::to_string(config.network_latency.count()) + " ms refused");
  }
  if (config.snapshot_threshold > 0 &&
      dqlite_node_set_snapshot_params(raw, config.snapshot_threshold, config.snapshot_trailing) != 0) {
    return refuse("snapshot parameters " + std::to_string(config.snapshot_threshold) + "/" +
                  std::to_string(config.snapshot_trailing) + " refused");
  }
  if (dqlite_node_start(raw) != 0) return refuse("start failed");
  std::unique_ptr<Node> node(new Node(raw, id, config.address));
  if (!config.join.empty()) BERTH_TRY(join(config, id));  // ~Node stops it on failure
  return node;
}

Node::~Node() {
  dqlite_node_stop(m_node);
  dqlite_node_destroy(m_node);
}

}  // namespace berth::store::dqlite
