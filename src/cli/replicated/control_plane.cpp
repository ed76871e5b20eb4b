// `berth serve --peers` with the engine: this server's dqlite node in the process and the store
// on the replicated database (cli/control_plane.hpp). Linked only into berth-with-engine.
#include "cli/control_plane.hpp"

#include <sys/stat.h>

#include <optional>
#include <thread>

#include "cli/replicated/client_bounds.hpp"
#include "common/log.hpp"
#include "common/thread_annotations.hpp"
#include "store/dqlite/node.hpp"
#include "store/dqlite/store_connection.hpp"

namespace berth::cli {
namespace {

namespace dq = store::dqlite;

// dqlite's heartbeat is 1.5 times and its election timeout 15 times the network latency it is
// told: 100 ms gives a 1.5 s election timeout (dqlite's default, 3 s, doubles the failover time),
// still ten missed heartbeats on the LAN a site's servers share.
constexpr std::chrono::milliseconds k_network_latency{100};
// A snapshot every 256 log entries, 256 kept after it (dqlite's 1024 and 8192 let a server's RSS
// reach 113-117 MiB after 6,000 RegisterTaskDefinition calls; 28 MiB with these, and the same
// bytes written per write: tests/bench/replicated_api_bench.py, 2026-12-04). A server that was
// away for more than 256 writes catches up from a snapshot, which on a gateway's database is a
// few megabytes.
constexpr unsigned k_snapshot_threshold = 256;
constexpr unsigned k_snapshot_trailing = 256;
// How long start-up waits for a leader to accept this node, or to answer for the cluster.
constexpr std::chrono::milliseconds k_start_timeout{30000};

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::vector<std::string> all_servers(const PeerPlan& plan) {
  std::vector<std::string> servers{plan.self};
  servers.insert(servers.end(), plan.others.begin(), plan.others.end());
  return servers;
}

// Whether one of the other servers answers for a cluster (names a leader).
bool cluster_answers(const PeerPlan& plan) {
  for (const auto& address : plan.others) {
    auto link = dq::Connection::connect(address, replicated_client_bounds());
    if (!link) continue;
    if (auto leader = link->leader(); leader && !leader->address.empty()) return true;
  }
  return false;
}

class ReplicatedPlane final : public ControlPlane {
 public:
  ReplicatedPlane(PeerPlan plan, std::unique_ptr<dq::Node> node) : m_plan(std::move(plan)), m_node(std::move(node)) {}

  Result<std::unique_ptr<store::Store>> open_store() override {
    dq::StoreOptions options;
    options.addresses = all_servers(m_plan);
    options.client = replicated_client_bounds();
    BERTH_ASSIGN(auto db, dq::open_replicated_db(options));
    return store::Store::open_on(std::move(db));
  }

  const PeerPlan& plan() const override { return m_plan; }

  // Asks this server's own node on a connection kept between calls (connected again once broken).
  Result<bool> leads_consensus() override {
    MutexLock lock(m_mutex);
    if (!m_own_node || !m_own_node->is_open()) {
      m_own_node.reset();
      BERTH_ASSIGN(auto link, dq::Connection::connect(m_plan.self, replicated_client_bounds()));
      m_own_node.emplace(std::move(link));
    }
    BERTH_ASSIGN(const auto leader, m_own_node->leader());
    return leader.id == m_node->id();
  }

 private:
  PeerPlan m_plan;
  std::unique_ptr<dq::Node> m_node;
  Mutex m_mutex;
  std::optional<dq::Connection> m_own_node BERTH_GUARDED_BY(m_mutex);
};

// Waits until some server answers as the leader: the store opens only on a cluster that can
// commit (a restarted server whose peers are still starting waits for them).
Result<void> await_leader(const PeerPlan& plan) {
  const auto deadline = std::chrono::steady_clock::now() + k_start_timeout;
  const auto servers = all_servers(plan);
  while (true) {
    auto leader = dq::connect_to_leader(servers, replicated_client_bounds());
    if (leader) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected(leader.error().wrap("no leader of the control plane answered in " +
                                                 std::to_string(k_start_timeout.count() / 1000) + " s"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

Result<std::unique_ptr<ControlPlane>> start_control_plane(const Config& config) {
  BERTH_ASSIGN(auto plan, plan_peers(config));
  dq::NodeConfig node_config;
  node_config.data_dir = config.data_dir + "/dqlite";
  node_config.address = plan.self;
  node_config.network_latency = k_network_latency;
  node_config.snapshot_threshold = k_snapshot_threshold;
  node_config.snapshot_trailing = k_snapshot_trailing;
  node_config.join_timeout = k_start_timeout;
  node_config.client = replicated_client_bounds();
  const bool kept = file_exists(node_config.data_dir + "/berth-node-id");
  const bool answers = plan.first && !kept && cluster_answers(plan);
  node_config.join = nodes_to_join(plan, kept, answers);
  const bool founds = !kept && node_config.join.empty();
  // Secrets and parameters are sealed with the secrets key, and any server may open them: one
  // that did not found the cluster must hold the founder's key, never make a key of its own.
  if (!founds && !file_exists(config.secrets_key_path())) {
    return fail(Code::invalid_parameter,
                config.secrets_key_path() + " is missing: every server of the control plane seals secrets with the "
                "same key; copy it from a server that has one (or point BERTH_SECRETS_KEY_FILE at a copy)");
  }
  std::string how = founds ? "founds the cluster" : "restarts as its member";
  if (!node_config.join.empty()) {
    how = "joins through";
    for (const auto& server : node_config.join) how += " " + server;
  }
  log_info("replicated control plane: this server's node " + plan.self + " " + how);
  BERTH_ASSIGN(auto node, dq::Node::start(node_config));
  BERTH_TRY(await_leader(plan));
  log_info("replicated control plane: node " + std::to_string(node->id()) + " at " + plan.self + " is a member");
  return std::unique_ptr<ControlPlane>(new ReplicatedPlane(std::move(plan), std::move(node)));
}

}  // namespace berth::cli
