// Write latency of the replicated control plane's engine against berth's store today, in the same
// run: K_WRITES single-row INSERTs, each its own committed transaction, through (1) berth's
// SQLite file (store::Db: WAL, synchronous=FULL, BEGIN IMMEDIATE + COMMIT: the baseline), (2) one
// dqlite node (the Raft log fsynced before the commit is answered) and (3) three dqlite nodes
// (committed once two of the three logs hold it). All nodes run in this process on loopback and
// share its disk and cores: a cluster of three gateways has three disks, so (3) is pessimistic.
// Then berth's own store (store::Store) on the file and on three nodes (the replicated store), the
// same RegisterTaskDefinition writes. Also the process's resident memory before and after each
// engine ran. Prints p50/p99 and the ratios to the baseline. Usage: berth-replicated-store-bench [DIR] [WRITES] (DIR on the
// gateway's flash for its figures; default a temp dir under /tmp, 300 writes).
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/numbers.hpp"
#include "store/db.hpp"
#include "store/dqlite/client.hpp"
#include "store/dqlite/node.hpp"
#include "store/dqlite/store_connection.hpp"
#include "store/store.hpp"

using namespace berth;
using namespace berth::store::dqlite;
using Steady = std::chrono::steady_clock;

namespace {

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
};

Latency percentiles(std::vector<double> ms) {
  std::ranges::sort(ms);
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

// VmRSS of this process, KiB (0 if unreadable).
long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    const auto kib = parse_leading_integer<long>(trim(std::string_view(line).substr(6)));
    return kib ? kib->value : 0;
  }
  return 0;
}

std::string free_address() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    std::perror("bind");
    std::exit(1);
  }
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

template <class T>
T need(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
  return std::move(*result);
}

void need(Result<void> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
}

Latency sqlite_file(const std::string& dir, int writes) {
  auto db = need(store::Db::open(dir + "/state.db"), "open SQLite file");
  need(db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"), "create");
  std::vector<double> ms;
  for (int i = 0; i < writes; ++i) {
    const auto start = Steady::now();
    store::Tx tx(db);
    need(tx.begun(), "begin");
    store::Stmt insert(db, "INSERT INTO t(v) VALUES (?)");
    insert.bind(1, std::string_view("a task definition's worth of text"));
    need(insert.run(), "insert");
    need(tx.commit(), "commit");
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  return percentiles(std::move(ms));
}

// Starts `size` nodes under `dir` (the first forms the cluster); their addresses in `addresses`.
std::vector<std::unique_ptr<Node>> start_nodes(const std::string& dir, int size, std::vector<std::string>& addresses) {
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < size; ++i) {
    NodeConfig config;
    config.data_dir = dir + "/node" + std::to_string(i);
    config.address = free_address();
    if (i > 0) config.join = {addresses.front()};
    // Elections in 300 ms instead of 3 s so the run starts sooner; a write's path does not wait on them.
    config.network_latency = std::chrono::milliseconds(20);
    nodes.push_back(need(Node::start(config), "start dqlite node"));
    addresses.push_back(config.address);
  }
  return nodes;
}

// berth's own write, RegisterTaskDefinition's store call (one transaction: the family's revision
// bumped and read back, the definition inserted, its tags), `writes` times on `store`.
Latency store_writes(store::Store& store, int writes) {
  const model::Json body = model::Json::parse(R"({"family":"web","containerDefinitions":[{"name":"main",
      "image":"busybox","memory":64,"portMappings":[{"containerPort":80}]}]})");
  std::vector<double> ms;
  for (int i = 0; i < writes; ++i) {
    const auto start = Steady::now();
    need(store.register_task_definition("web", body, {{"team", "edge"}}, 1), "register task definition");
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  return percentiles(std::move(ms));
}

// Store::change_count() `reads` times on `store` with nothing written: what the scheduler
// leader's quiet tick and a dashboard's change stream pay each time (on the replicated store,
// PRAGMA data_version on the leader).
Latency change_count_reads(store::Store& store, int reads) {
  std::vector<double> ms;
  for (int i = 0; i < reads; ++i) {
    const auto start = Steady::now();
    (void)store.change_count();
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  return percentiles(std::move(ms));
}

struct OnBoth {
  Latency file_writes, replicated_writes, file_counts, replicated_counts;
};

// The store on a file and on three nodes' replicated store, the same writes, then the same reads
// of the change count.
OnBoth store_on_both(const std::string& dir, int writes) {
  std::filesystem::create_directories(dir + "/file");
  auto on_file = need(store::Store::open(dir + "/file/state.db"), "open store on a file");
  OnBoth out;
  out.file_writes = store_writes(*on_file, writes);
  std::vector<std::string> addresses;
  const auto nodes = start_nodes(dir + "/replicated", 3, addresses);
  store::dqlite::StoreOptions options;
  options.addresses = addresses;
  auto replicated = need(store::Store::open_on(need(store::dqlite::open_replicated_db(options), "open replicated")),
                         "migrate the replicated store");
  out.replicated_writes = store_writes(*replicated, writes);
  out.file_counts = change_count_reads(*on_file, writes);
  out.replicated_counts = change_count_reads(*replicated, writes);
  return out;
}

// Starts `size` nodes under `dir`, writes through the leader.
Latency dqlite_cluster(const std::string& dir, int size, int writes, long* rss_started, long* rss_running) {
  std::vector<std::string> addresses;
  const auto nodes = start_nodes(dir, size, addresses);
  *rss_started = rss_kib();
  auto leader = need(connect_to_leader(addresses), "find leader");
  need(leader.open("berth"), "open");
  need(leader.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"), "create");
  std::vector<double> ms;
  const Value params[] = {std::string("a task definition's worth of text")};
  for (int i = 0; i < writes; ++i) {
    const auto start = Steady::now();
    need(leader.exec("INSERT INTO t(v) VALUES (?)", params), "insert");
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  *rss_running = rss_kib();
  return percentiles(std::move(ms));
}

void print(const char* name, Latency latency, Latency baseline) {
  std::printf("%-36s p50 %7.3f ms  p99 %7.3f ms   %6.2fx / %6.2fx the SQLite file's p50 / p99\n", name, latency.p50_ms,
              latency.p99_ms, latency.p50_ms / baseline.p50_ms, latency.p99_ms / baseline.p99_ms);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);  // as berth serve: a dqlite node requires it
  std::string dir = argc > 1 ? argv[1] : "";
  const int writes = argc > 2 ? parse_integer_in<int>(argv[2], 10, 1'000'000).value_or(0) : 300;
  if (writes == 0) {
    std::fprintf(stderr, "usage: berth-replicated-store-bench [DIR] [WRITES 10..1000000]\n");
    return 2;
  }
  bool made = false;
  if (dir.empty()) {
    char pattern[] = "/tmp/berth-replicated-bench-XXXXXX";
    dir = ::mkdtemp(pattern);
    made = true;
  }
  std::filesystem::create_directories(dir + "/file");
  const Latency file = sqlite_file(dir + "/file", writes);
  const long rss_before = rss_kib();
  long rss_one_started = 0, rss_one = 0, rss_three_started = 0, rss_three = 0;
  const Latency one = dqlite_cluster(dir + "/one", 1, writes, &rss_one_started, &rss_one);
  const long rss_after_one = rss_kib();
  const Latency three = dqlite_cluster(dir + "/three", 3, writes, &rss_three_started, &rss_three);
  const OnBoth store = store_on_both(dir + "/store", writes);
  std::printf("%d INSERTs, each committed on its own, in %s\n", writes, dir.c_str());
  print("SQLite file (WAL, synchronous=FULL)", file, file);
  print("dqlite, 1 node", one, file);
  print("dqlite, 3 nodes (one process, one disk)", three, file);
  std::printf("%d task definitions registered through berth's store (one transaction of several statements each)\n", writes);
  print("store on the SQLite file", store.file_writes, store.file_writes);
  print("store on 3 nodes (one process, one disk)", store.replicated_writes, store.file_writes);
  std::printf("%d reads of the store's change count, nothing written\n", writes);
  print("change count on the SQLite file", store.file_counts, store.file_counts);
  print("change count on 3 nodes", store.replicated_counts, store.file_counts);
  // dqlite keeps each database and its WAL in memory (its VFS) and recent log entries until a
  // snapshot: a node's memory grows with what it holds, hence "started" and "after the writes".
  std::printf("RSS (KiB): %ld before any node\n  1 node: %ld started (+%ld), %ld after the writes (+%ld), %ld once stopped\n"
              "  3 nodes: %ld started, %ld after the writes (+%ld over started, +%ld per node)\n",
              rss_before, rss_one_started, rss_one_started - rss_before, rss_one, rss_one - rss_before, rss_after_one,
              rss_three_started, rss_three, rss_three - rss_three_started, (rss_three - rss_three_started) / 3);
  if (made) std::filesystem::remove_all(dir);
  return 0;
}
