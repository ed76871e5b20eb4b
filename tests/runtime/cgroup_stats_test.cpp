#include "runtime/linux/cgroup_stats.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "fixtures/temp_dir.hpp"

namespace cgroup_stats_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::TempDir;

namespace {

constexpr const char* k_path = "/berth/t1/web";

void put(const std::string& file, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  std::ofstream(file) << text;
}

std::uint64_t ns_per_tick() { return 1'000'000'000ULL / static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK)); }

// A v1 host's hierarchies with one container's files, as a 5.x kernel writes them.
struct V1Tree {
  TempDir dir;
  std::string at(const std::string& controller, const std::string& file) const {
    return dir.path + "/" + controller + k_path + "/" + file;
  }
  V1Tree() {
    put(at("cpuacct", "cpuacct.usage"), "5000000000\n");
    put(at("cpuacct", "cpuacct.stat"), "user 300\nsystem 100\n");
    put(at("memory", "memory.usage_in_bytes"), "10485760\n");
    put(at("memory", "memory.max_usage_in_bytes"), "20971520\n");
    put(at("memory", "memory.stat"),
        "cache 1000\nrss 2000\ninactive_file 999\ntotal_cache 4194304\ntotal_rss 2000\n"
        "total_inactive_file 3145728\ntotal_active_file 1048576\n");
    put(at("memory", "memory.limit_in_bytes"), "67108864\n");
    put(at("pids", "pids.current"), "3\n");
    put(at("blkio", "blkio.throttle.io_service_bytes_recursive"),
        "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\n"
        "8:16 Read 100\n8:16 Write 200\n8:16 Total 300\nTotal 12588\n");
  }
};

// A unified (v2) hierarchy with one container's files.
struct V2Tree {
  TempDir dir;
  std::string at(const std::string& file) const { return dir.path + k_path + "/" + file; }
  V2Tree() {
    put(dir.path + "/cgroup.controllers", "cpu memory pids io\n");
    put(at("cpu.stat"), "usage_usec 7000\nuser_usec 5000\nsystem_usec 2000\nnr_periods 0\nnr_throttled 0\n");
    put(at("memory.current"), "8388608\n");
    put(at("memory.peak"), "9437184\n");
    put(at("memory.stat"), "anon 4096\nfile 2097152\nkernel_stack 16384\nactive_file 1048576\ninactive_file 524288\n");
    put(at("memory.max"), "max\n");
    put(at("pids.current"), "2\n");
    put(at("io.stat"), "8:0 rbytes=1000 wbytes=2000 rios=1 wios=2 dbytes=0 dios=0\n"
                       "259:0 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n");
  }
};

}  // namespace

TEST_CASE("cgroup stats: v1 counters of every controller", "[runtime]") {
  V1Tree tree;
  const auto stats = read_cgroup_stats(k_path, tree.dir.path);
  REQUIRE(stats.has_value());
  CHECK(stats->cpu_usage_ns == 5'000'000'000ULL);
  CHECK(stats->cpu_user_ns == 300 * ns_per_tick());
  CHECK(stats->cpu_system_ns == 100 * ns_per_tick());
  CHECK(stats->memory_usage_bytes == 10485760);
  CHECK(stats->memory_max_usage_bytes == 20971520);
  CHECK(stats->memory_cache_bytes == 4194304);                  // total_cache over cache
  CHECK(stats->memory_working_set_bytes == 10485760 - 3145728);  // usage - total_inactive_file
  CHECK(stats->memory_limit_bytes == 67108864);
  CHECK(stats->pids == 3);
  CHECK(stats->block_read_bytes == 4196);   // Read summed over 8:0 and 8:16
  CHECK(stats->block_write_bytes == 8392);
  CHECK_FALSE(stats->network.has_value());
}

TEST_CASE("cgroup stats: v1 unlimited memory, old kernels' files, missing optional files", "[runtime]") {
  V1Tree tree;
  put(tree.at("memory", "memory.limit_in_bytes"), "9223372036854771712\n");
  // No hierarchical totals: the cgroup's own cache and inactive_file.
  put(tree.at("memory", "memory.stat"), "cache 4096\nrss 8192\ninactive_file 20971520\n");
  std::filesystem::remove(tree.at("pids", "pids.current"));
  std::filesystem::remove(tree.at("blkio", "blkio.throttle.io_service_bytes_recursive"));
  put(tree.at("blkio", "blkio.throttle.io_service_bytes"), "8:0 Read 7\n8:0 Write 9\nTotal 16\n");
  const auto stats = read_cgroup_stats(k_path, tree.dir.path);
  REQUIRE(stats.has_value());
  CHECK_FALSE(stats->memory_limit_bytes.has_value());
  CHECK(stats->memory_cache_bytes == 4096);
  CHECK(stats->memory_working_set_bytes == 0);  // inactive_file above usage: floored, not wrapped
  CHECK(stats->pids == 0);
  CHECK(stats->block_read_bytes == 7);
  CHECK(stats->block_write_bytes == 9);

  std::filesystem::remove(tree.at("blkio", "blkio.throttle.io_service_bytes"));
  std::filesystem::remove(tree.at("cpuacct", "cpuacct.stat"));
  const auto bare = read_cgroup_stats(k_path, tree.dir.path);
  REQUIRE(bare.has_value());
  CHECK(bare->block_read_bytes == 0);
  CHECK(bare->cpu_user_ns == 0);
  CHECK(bare->cpu_usage_ns == 5'000'000'000ULL);
}

TEST_CASE("cgroup stats: v1 missing cgroup and garbled files are errors", "[runtime]") {
  V1Tree tree;
  const auto missing = read_cgroup_stats("/berth/t1/nothere", tree.dir.path);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("cpuacct.usage") != std::string::npos);

  const auto garbled = [&](const std::string& controller, const std::string& file, const std::string& text) {
    V1Tree fresh;
    put(fresh.at(controller, file), text);
    const auto stats = read_cgroup_stats(k_path, fresh.dir.path);
    REQUIRE_FALSE(stats.has_value());
    return stats.error().message;
  };
  CHECK(garbled("cpuacct", "cpuacct.usage", "12abc\n").find("cpuacct.usage: not a counter: '12abc'") != std::string::npos);
  CHECK(garbled("cpuacct", "cpuacct.usage", "-5\n").find("not a counter") != std::string::npos);
  CHECK(garbled("cpuacct", "cpuacct.usage", "99999999999999999999999\n").find("not a counter") != std::string::npos);
  CHECK(garbled("cpuacct", "cpuacct.stat", "user x\nsystem 1\n").find("cpuacct.stat") != std::string::npos);
  CHECK(garbled("memory", "memory.usage_in_bytes", "").find("memory.usage_in_bytes") != std::string::npos);
  CHECK(garbled("memory", "memory.stat", "total_cache 1 2\n").find("malformed line") != std::string::npos);
  CHECK(garbled("memory", "memory.limit_in_bytes", "lots\n").find("memory.limit_in_bytes") != std::string::npos);
  CHECK(garbled("pids", "pids.current", "max\n").find("pids.current") != std::string::npos);
  CHECK(garbled("blkio", "blkio.throttle.io_service_bytes_recursive", "8:0 Read\n").find("malformed line") !=
        std::string::npos);
  CHECK(garbled("blkio", "blkio.throttle.io_service_bytes_recursive", "8:0 Read 1e3\n").find("not a counter") !=
        std::string::npos);
}

TEST_CASE("cgroup stats: v2 counters of the unified files", "[runtime]") {
  V2Tree tree;
  const auto stats = read_cgroup_stats(k_path, tree.dir.path);
  REQUIRE(stats.has_value());
  CHECK(stats->cpu_usage_ns == 7'000'000);
  CHECK(stats->cpu_user_ns == 5'000'000);
  CHECK(stats->cpu_system_ns == 2'000'000);
  CHECK(stats->memory_usage_bytes == 8388608);
  CHECK(stats->memory_max_usage_bytes == 9437184);
  CHECK(stats->memory_cache_bytes == 2097152);
  CHECK(stats->memory_working_set_bytes == 8388608 - 524288);
  CHECK_FALSE(stats->memory_limit_bytes.has_value());  // "max"
  CHECK(stats->pids == 2);
  CHECK(stats->block_read_bytes == 1010);
  CHECK(stats->block_write_bytes == 2020);

  put(tree.at("memory.max"), "134217728\n");
  std::filesystem::remove(tree.at("memory.peak"));  // before 5.19
  std::filesystem::remove(tree.at("io.stat"));
  std::filesystem::remove(tree.at("pids.current"));
  const auto older = read_cgroup_stats(k_path, tree.dir.path);
  REQUIRE(older.has_value());
  CHECK(older->memory_limit_bytes == 134217728);
  CHECK(older->memory_max_usage_bytes == 0);  // unknown
  CHECK(older->block_read_bytes == 0);
  CHECK(older->pids == 0);
}

TEST_CASE("cgroup stats: v2 missing cgroup and garbled files are errors", "[runtime]") {
  V2Tree tree;
  const auto missing = read_cgroup_stats("/berth/t1/nothere", tree.dir.path);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("cpu.stat") != std::string::npos);

  const auto garbled = [&](const std::string& file, const std::string& text) {
    V2Tree fresh;
    put(fresh.at(file), text);
    const auto stats = read_cgroup_stats(k_path, fresh.dir.path);
    REQUIRE_FALSE(stats.has_value());
    return stats.error().message;
  };
  CHECK(garbled("cpu.stat", "user_usec 1\n").find("no usage_usec") != std::string::npos);
  CHECK(garbled("cpu.stat", "usage_usec 0x10\n").find("not a counter: '0x10'") != std::string::npos);
  CHECK(garbled("memory.current", "8M\n").find("memory.current") != std::string::npos);
  CHECK(garbled("memory.stat", "file many\n").find("memory.stat") != std::string::npos);
  CHECK(garbled("memory.max", "unlimited\n").find("memory.max") != std::string::npos);
  CHECK(garbled("io.stat", "8:0 rbytes=1 wbytes\n").find("malformed field 'wbytes'") != std::string::npos);
  CHECK(garbled("io.stat", "8:0 rbytes=-1\n").find("not a counter") != std::string::npos);
}

TEST_CASE("host cpu: /proc/stat's first cpu line and the online cpus", "[runtime]") {
  const std::string text =
      "cpu  100 5 50 1000 20 3 2 7 40 0\n"
      "cpu0 50 2 25 500 10 1 1 3 20 0\n"
      "cpu1 50 3 25 500 10 2 1 4 20 0\n"
      "intr 12345 0 0\nctxt 999\nbtime 1700000000\nprocesses 42\n";
  const auto host = parse_proc_stat(text, 100);
  REQUIRE(host.has_value());
  // user nice system idle iowait irq softirq; not steal, guest (already in user), guest_nice.
  CHECK(host->total_ns == (100 + 5 + 50 + 1000 + 20 + 3 + 2) * 10'000'000ULL);
  CHECK(host->online_cpus == 2);
  CHECK(parse_proc_stat(text, 1000)->total_ns == 1180 * 1'000'000ULL);

  CHECK_FALSE(parse_proc_stat("intr 1\n", 100).has_value());
  CHECK_FALSE(parse_proc_stat("cpu 1 2 3\n", 100).has_value());
  CHECK_FALSE(parse_proc_stat("cpu 1 2 3 4 5 6 x 8\n", 100).has_value());
  CHECK_FALSE(parse_proc_stat("cpu 1 2 3 4 5 6 7\ncpu 1 2 3 4 5 6 7\n", 100).has_value());
  CHECK_FALSE(parse_proc_stat(text, 0).has_value());
  // No per-cpu lines (a trimmed /proc/stat): one cpu, not zero.
  CHECK(parse_proc_stat("cpu 1 1 1 1 1 1 1\n", 100)->online_cpus == 1);

  // This host's own file reads.
  const auto real = read_host_cpu();
  REQUIRE(real.has_value());
  CHECK(real->total_ns > 0);
  CHECK(real->online_cpus == static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST_CASE("network counters: /proc/<pid>/net/dev", "[runtime]") {
  const std::string text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo:     420       6    0    0    0     0          0         0      420       6    0    0    0     0       0          0\n"
      "  eth0:12345678901  100    1    2    0     0          0         0     5432      50    3    4    0     0       0          0\n";
  const auto eth0 = parse_net_dev(text, "eth0");
  REQUIRE(eth0.has_value());
  CHECK(eth0->interface == "eth0");
  CHECK(eth0->rx_bytes == 12345678901ULL);
  CHECK(eth0->rx_packets == 100);
  CHECK(eth0->rx_errors == 1);
  CHECK(eth0->rx_dropped == 2);
  CHECK(eth0->tx_bytes == 5432);
  CHECK(eth0->tx_packets == 50);
  CHECK(eth0->tx_errors == 3);
  CHECK(eth0->tx_dropped == 4);
  CHECK(parse_net_dev(text, "lo")->rx_bytes == 420);

  const auto absent = parse_net_dev(text, "eth1");
  REQUIRE_FALSE(absent.has_value());
  CHECK(absent.error().message == "net/dev: no interface eth1");
  CHECK_FALSE(parse_net_dev("eth0: 1 2 3\n", "eth0").has_value());
  CHECK_FALSE(parse_net_dev("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n", "eth0").has_value());

  // This process's namespace has a loopback; a pid that does not exist is an error.
  CHECK(read_network_counters(::getpid(), "lo").has_value());
  CHECK_FALSE(read_network_counters(0x7ffffff0, "lo").has_value());
}

}  // namespace cgroup_stats_test
