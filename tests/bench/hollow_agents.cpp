// Hollow agents for the cluster-scale benchmark (tests/bench/cluster_scale_bench.py): many joined
// gateways in one process, each the real joining code (agent::JoinedRegistrar, agent::ServerLink
// with its desired-state mirror and state reporter, cli::ControlPlaneClient over HTTP) over a
// store of its own (SQLite in memory), with a fake runtime in place of the node agent and runc: a
// task the mirror adds is recorded RUNNING at once, one the server asks to stop STOPPED (exit 0),
// and the link reports both as a real agent's changes are reported. Built by the Makefile for the
// benchmark only, so the shipped binary does not grow.
// Usage: berth-hollow-agents URL DIR < TOKENS   one agent per join token (one a line), joined as
// its line is read (prints "joined N" after each: the server holds at most 100 unused tokens, so
// the caller hands them out in batches); each keeps its join.json under DIR/<n>. At the end of the
// input the agents start polling and reporting (prints "ready N"); they run until SIGTERM/SIGINT.
#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/joined_registrar.hpp"
#include "agent/server_link.hpp"
#include "cli/control_plane_client.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/thread_annotations.hpp"
#include "store/store.hpp"

using namespace berth;

namespace {

constexpr int k_runner_threads = 2;
// Each hollow node: the single-instance baseline's 1000 tasks of 6 MiB and 1 CPU unit fit on one.
constexpr long long k_node_cpu = 4096;
constexpr long long k_node_memory_mib = 8192;

struct Hollow {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<agent::JoinedRegistrar> registrar;
  std::unique_ptr<agent::ServerLink> link;
  std::string instance_id;
  std::string cluster;
};

// The fake runtime: runner threads take the nodes whose desired state changed and record their
// tasks as started or stopped, as the node agent would once runc had done it.
class FakeRuntime {
 public:
  explicit FakeRuntime(const Clock& clock) : m_clock(clock) {}
  ~FakeRuntime() { stop(); }

  void start(std::vector<std::unique_ptr<Hollow>>& nodes) {
    m_nodes = &nodes;
    m_queued.assign(nodes.size(), false);
    for (int i = 0; i < k_runner_threads; ++i) m_threads.emplace_back([this] { run(); });
  }
  void stop() {
    {
      MutexLock lock(m_mutex);
      m_stopping = true;
    }
    m_wakeup.notify_all();
    for (auto& t : m_threads) t.join();
    m_threads.clear();
  }
  // Node `index`'s desired state changed (its link mirrored a reply).
  void wake(std::size_t index) {
    {
      MutexLock lock(m_mutex);
      if (m_queued[index]) return;  // bounded: each node is queued at most once
      m_queued[index] = true;
      m_queue.push_back(index);
    }
    m_wakeup.notify_one();
  }

 private:
  void run() {
    while (true) {
      std::size_t index = 0;
      {
        MutexLock lock(m_mutex);
        // The condition is tested here, in a loop, as thread_annotations.hpp asks of every wait.
        while (m_queue.empty() && !m_stopping) lock.wait_until(m_wakeup, std::chrono::steady_clock::now() + std::chrono::seconds(1));
        if (m_stopping) return;
        index = m_queue.front();
        m_queue.pop_front();
        m_queued[index] = false;
      }
      drive(*(*m_nodes)[index]);
    }
  }

  void drive(Hollow& node) {
    store::TaskQuery query;
    query.cluster = node.cluster;
    query.container_instance = node.instance_id;
    query.not_stopped = true;
    query.limit = 1000;
    auto tasks = node.store->list_tasks(query);
    if (!tasks) return log_error("hollow agent: " + tasks.error().message);
    bool changed = false;
    const EpochMs now = m_clock.now_ms();
    for (auto task : *tasks) {
      const long long version = task.version;
      if (task.desired_status == model::TaskStatus::running && task.last_status == model::TaskStatus::pending) {
        task.last_status = model::TaskStatus::running;
        task.pull_started_at = task.pull_stopped_at = task.started_at = now;
        for (auto& c : task.containers) {
          c.last_status = model::TaskStatus::running;
          c.runtime_id = model::runtime_id_of(task.id, c.name);
          c.started_at = now;
        }
      } else if (task.desired_status == model::TaskStatus::stopped) {
        task.last_status = model::TaskStatus::stopped;
        task.stopping_at = task.execution_stopped_at = task.stopped_at = now;
        for (auto& c : task.containers) {
          c.last_status = model::TaskStatus::stopped;
          c.exit_code = 0;
          c.finished_at = now;
        }
      } else {
        continue;
      }
      ++task.version;
      auto saved = node.store->replace_task(task, version, store::Durability::deferred);
      if (saved && *saved) changed = true;
    }
    if (changed) node.link->task_changed();
  }

  const Clock& m_clock;
  std::vector<std::unique_ptr<Hollow>>* m_nodes = nullptr;
  Mutex m_mutex;
  std::condition_variable m_wakeup;
  std::deque<std::size_t> m_queue BERTH_GUARDED_BY(m_mutex);
  std::vector<bool> m_queued BERTH_GUARDED_BY(m_mutex);
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
  std::vector<std::thread> m_threads;
};

model::NodeRegistration node_registration(std::size_t index) {
  model::NodeRegistration node;
  node.cpu_units = k_node_cpu;
  node.memory_mib = k_node_memory_mib;
  node.attributes = {{"ecs.os-type", "linux"}, {"ecs.instance-type", "hollow"}};
  // Three zones, as the service default spreads over.
  node.initial_attributes = {{"ecs.availability-zone", "zone-" + std::to_string(index % 3)}};
  return node;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: berth-hollow-agents URL DIR < TOKENS\n");
    return 2;
  }
  // SIGTERM/SIGINT are taken by sigwait below; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string url = argv[1];
  const std::string dir = argv[2];
  SystemClock clock;
  cli::ControlPlaneClient server(url, runtime::HttpOptions{}, clock);
  std::vector<std::unique_ptr<Hollow>> nodes;
  FakeRuntime runtime(clock);
  for (std::string token; std::getline(std::cin, token);) {
    if (token.empty()) continue;
    const std::size_t i = nodes.size();
    auto node = std::make_unique<Hollow>();
    auto opened = store::Store::open(":memory:");
    if (!opened) {
      std::fprintf(stderr, "store: %s\n", opened.error().message.c_str());
      return 1;
    }
    node->store = std::move(*opened);
    const std::string node_dir = dir + "/" + std::to_string(i);
    std::filesystem::create_directories(node_dir);
    node->registrar = std::make_unique<agent::JoinedRegistrar>(server, token, node_dir + "/join.json");
    auto registered = node->registrar->register_node(node_registration(i));
    if (!registered) {
      std::fprintf(stderr, "agent %zu cannot join: %s\n", i, registered.error().message.c_str());
      return 1;
    }
    node->instance_id = *registered;
    node->cluster = node->registrar->identity().cluster;
    if (auto made = node->store->ensure_cluster(node->cluster, clock.now_ms(), "000000000000"); !made) {
      std::fprintf(stderr, "store: %s\n", made.error().message.c_str());
      return 1;
    }
    node->link = std::make_unique<agent::ServerLink>(*node->store, server, *node->registrar, clock,
                                                     [&runtime, i] { runtime.wake(i); });
    nodes.push_back(std::move(node));
    std::printf("joined %zu\n", nodes.size());
    std::fflush(stdout);
  }
  runtime.start(nodes);
  for (auto& node : nodes) node->link->start();
  std::printf("ready %zu\n", nodes.size());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  for (auto& node : nodes) node->link->stop();
  runtime.stop();
  return 0;
}
