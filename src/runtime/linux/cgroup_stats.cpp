#include "runtime/linux/cgroup_stats.hpp"

#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::runtime {
namespace {

using model::ContainerStats;

// v1 writes "no limit" as the page counter's maximum (2^63 - 1 rounded down to a page); no real
// limit comes near 2^62 bytes.
constexpr std::uint64_t k_v1_unlimited_from = std::uint64_t{1} << 62;

// The words of `line` between spaces and tabs.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  for (auto word : split(line, ' ')) {
    for (auto part : split(word, '\t')) {
      if (!part.empty()) out.push_back(part);
    }
  }
  return out;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (auto line : split(text, '\n')) {
    if (!trim(line).empty()) out.push_back(line);
  }
  return out;
}

Result<std::uint64_t> counter(std::string_view text, const std::string& file) {
  const auto value = trim(text);
  if (auto n = parse_integer<std::uint64_t>(value)) return *n;
  return fail(Code::server, file + ": not a counter: '" + std::string(value.substr(0, 40)) + "'");
}

// The file's text, or nothing when the kernel does not have it.
Result<std::optional<std::string>> read_if_there(const std::string& file) {
  auto text = read_file(file);
  if (text) return std::optional<std::string>(std::move(*text));
  if (text.error().sys_errno == ENOENT) return std::optional<std::string>();
  return std::unexpected(text.error());
}

Result<std::uint64_t> read_counter(const std::string& file) {
  BERTH_ASSIGN(const auto text, read_file(file));
  return counter(text, file);
}

Result<std::uint64_t> read_counter_or_zero(const std::string& file) {
  BERTH_ASSIGN(const auto text, read_if_there(file));
  if (!text) return 0;
  return counter(*text, file);
}

// The value of `key` in a flat-keyed file ("key value" per line: cpu.stat, memory.stat).
Result<std::optional<std::uint64_t>> keyed(std::string_view text, std::string_view key, const std::string& file) {
  for (auto line : lines(text)) {
    const auto parts = words(line);
    if (parts.empty() || parts[0] != key) continue;
    if (parts.size() != 2) return fail(Code::server, file + ": malformed line '" + std::string(trim(line)) + "'");
    BERTH_ASSIGN(const auto value, counter(parts[1], file));
    return std::optional<std::uint64_t>(value);
  }
  return std::optional<std::uint64_t>();
}

Result<std::uint64_t> keyed_or_zero(std::string_view text, std::string_view key, const std::string& file) {
  BERTH_ASSIGN(const auto value, keyed(text, key, file));
  return value.value_or(0);
}

std::uint64_t floor_difference(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; }

long user_hz() {
  const long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? hz : 100;
}

// v1 blkio.throttle.io_service_bytes(_recursive): "MAJ:MIN Read N" per device and operation, and
// a "Total N" line; Read and Write summed over the devices.
Result<void> add_blkio(std::string_view text, const std::string& file, ContainerStats& s) {
  for (auto line : lines(text)) {
    const auto parts = words(line);
    if (parts.size() == 2 && parts[0] == "Total") continue;
    if (parts.size() != 3) return fail(Code::server, file + ": malformed line '" + std::string(trim(line)) + "'");
    BERTH_ASSIGN(const auto bytes, counter(parts[2], file));
    if (parts[1] == "Read") s.block_read_bytes += bytes;
    if (parts[1] == "Write") s.block_write_bytes += bytes;
  }
  return {};
}

// v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N ..." per device.
Result<void> add_io_stat(std::string_view text, const std::string& file, ContainerStats& s) {
  for (auto line : lines(text)) {
    const auto parts = words(line);
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const auto eq = parts[i].find('=');
      if (eq == std::string_view::npos) return fail(Code::server, file + ": malformed field '" + std::string(parts[i]) + "'");
      const auto key = parts[i].substr(0, eq);
      if (key != "rbytes" && key != "wbytes") continue;
      BERTH_ASSIGN(const auto bytes, counter(parts[i].substr(eq + 1), file));
      (key == "rbytes" ? s.block_read_bytes : s.block_write_bytes) += bytes;
    }
  }
  return {};
}

Result<ContainerStats> read_v1(const std::string& path, const std::string& root) {
  const auto file = [&](std::string_view controller, std::string_view name) {
    return root + "/" + std::string(controller) + path + "/" + std::string(name);
  };
  ContainerStats s;
  BERTH_ASSIGN(s.cpu_usage_ns, read_counter(file("cpuacct", "cpuacct.usage")));
  const std::string cpu_stat_file = file("cpuacct", "cpuacct.stat");
  BERTH_ASSIGN(const auto cpu_stat, read_if_there(cpu_stat_file));
  if (cpu_stat) {
    const std::uint64_t ns_per_tick = 1'000'000'000 / static_cast<std::uint64_t>(user_hz());
    BERTH_ASSIGN(const auto user, keyed_or_zero(*cpu_stat, "user", cpu_stat_file));
    BERTH_ASSIGN(const auto system, keyed_or_zero(*cpu_stat, "system", cpu_stat_file));
    s.cpu_user_ns = user * ns_per_tick;
    s.cpu_system_ns = system * ns_per_tick;
  }

  BERTH_ASSIGN(s.memory_usage_bytes, read_counter(file("memory", "memory.usage_in_bytes")));
  BERTH_ASSIGN(s.memory_max_usage_bytes, read_counter_or_zero(file("memory", "memory.max_usage_in_bytes")));
  const std::string memory_stat_file = file("memory", "memory.stat");
  BERTH_ASSIGN(const auto memory_stat, read_if_there(memory_stat_file));
  std::uint64_t inactive_file = 0;
  if (memory_stat) {
    // The hierarchical totals where the kernel has them (they include child cgroups).
    BERTH_ASSIGN(const auto total_cache, keyed(*memory_stat, "total_cache", memory_stat_file));
    BERTH_ASSIGN(const auto cache, keyed_or_zero(*memory_stat, "cache", memory_stat_file));
    s.memory_cache_bytes = total_cache.value_or(cache);
    BERTH_ASSIGN(const auto total_inactive, keyed(*memory_stat, "total_inactive_file", memory_stat_file));
    BERTH_ASSIGN(const auto inactive, keyed_or_zero(*memory_stat, "inactive_file", memory_stat_file));
    inactive_file = total_inactive.value_or(inactive);
  }
  s.memory_working_set_bytes = floor_difference(s.memory_usage_bytes, inactive_file);
  BERTH_ASSIGN(const auto limit, read_counter_or_zero(file("memory", "memory.limit_in_bytes")));
  if (limit > 0 && limit < k_v1_unlimited_from) s.memory_limit_bytes = limit;

  BERTH_ASSIGN(s.pids, read_counter_or_zero(file("pids", "pids.current")));
  for (const char* name : {"blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes"}) {
    const std::string blkio_file = file("blkio", name);
    BERTH_ASSIGN(const auto blkio, read_if_there(blkio_file));
    if (!blkio) continue;
    BERTH_TRY(add_blkio(*blkio, blkio_file, s));
    break;
  }
  return s;
}

Result<ContainerStats> read_v2(const std::string& path, const std::string& root) {
  const auto file = [&](std::string_view name) { return root + path + "/" + std::string(name); };
  ContainerStats s;
  const std::string cpu_stat_file = file("cpu.stat");
  BERTH_ASSIGN(const auto cpu_stat, read_file(cpu_stat_file));
  BERTH_ASSIGN(const auto usage_us, keyed(cpu_stat, "usage_usec", cpu_stat_file));
  if (!usage_us) return fail(Code::server, cpu_stat_file + ": no usage_usec");
  BERTH_ASSIGN(const auto user_us, keyed_or_zero(cpu_stat, "user_usec", cpu_stat_file));
  BERTH_ASSIGN(const auto system_us, keyed_or_zero(cpu_stat, "system_usec", cpu_stat_file));
  s.cpu_usage_ns = *usage_us * 1000;
  s.cpu_user_ns = user_us * 1000;
  s.cpu_system_ns = system_us * 1000;

  BERTH_ASSIGN(s.memory_usage_bytes, read_counter(file("memory.current")));
  BERTH_ASSIGN(s.memory_max_usage_bytes, read_counter_or_zero(file("memory.peak")));
  const std::string memory_stat_file = file("memory.stat");
  BERTH_ASSIGN(const auto memory_stat, read_if_there(memory_stat_file));
  std::uint64_t inactive_file = 0;
  if (memory_stat) {
    BERTH_ASSIGN(s.memory_cache_bytes, keyed_or_zero(*memory_stat, "file", memory_stat_file));
    BERTH_ASSIGN(inactive_file, keyed_or_zero(*memory_stat, "inactive_file", memory_stat_file));
  }
  s.memory_working_set_bytes = floor_difference(s.memory_usage_bytes, inactive_file);
  const std::string max_file = file("memory.max");
  BERTH_ASSIGN(const auto max, read_if_there(max_file));
  if (max && trim(*max) != "max") {
    BERTH_ASSIGN(s.memory_limit_bytes, counter(*max, max_file));
  }

  BERTH_ASSIGN(s.pids, read_counter_or_zero(file("pids.current")));
  const std::string io_file = file("io.stat");
  BERTH_ASSIGN(const auto io, read_if_there(io_file));
  if (io) BERTH_TRY(add_io_stat(*io, io_file, s));
  return s;
}

}  // namespace

Result<ContainerStats> read_cgroup_stats(const std::string& path, const std::string& root) {
  return cgroup_v2(root) ? read_v2(path, root) : read_v1(path, root);
}

Result<HostCpu> parse_proc_stat(std::string_view text, long ticks_per_second) {
  if (ticks_per_second <= 0) return fail(Code::server, "bad USER_HZ " + std::to_string(ticks_per_second));
  HostCpu host;
  bool seen_total = false;
  std::uint64_t ticks = 0;
  for (auto line : lines(text)) {
    const auto parts = words(line);
    if (parts.empty() || !parts[0].starts_with("cpu")) continue;
    if (parts[0] != "cpu") {
      if (parse_integer<unsigned>(parts[0].substr(3))) ++host.online_cpus;
      continue;
    }
    // user nice system idle iowait irq softirq: kernels since 2.6 have all seven.
    if (seen_total || parts.size() < 8) return fail(Code::server, "/proc/stat: malformed cpu line '" + std::string(trim(line)) + "'");
    seen_total = true;
    for (std::size_t i = 1; i <= 7; ++i) {
      BERTH_ASSIGN(const auto value, counter(parts[i], "/proc/stat"));
      ticks += value;
    }
  }
  if (!seen_total) return fail(Code::server, "/proc/stat: no cpu line");
  if (host.online_cpus == 0) host.online_cpus = 1;
  host.total_ns = ticks * (1'000'000'000 / static_cast<std::uint64_t>(ticks_per_second));
  return host;
}

Result<HostCpu> read_host_cpu(const std::string& proc) {
  BERTH_ASSIGN(const auto text, read_file(proc + "/stat"));
  return parse_proc_stat(text, user_hz());
}

Result<model::NetworkCounters> parse_net_dev(std::string_view text, std::string_view interface) {
  for (auto line : lines(text)) {
    const auto colon = line.find(':');
    // The two header lines have '|' but no ':'.
    if (colon == std::string_view::npos || trim(line.substr(0, colon)) != interface) continue;
    const auto fields = words(line.substr(colon + 1));
    if (fields.size() < 16) return fail(Code::server, "net/dev: malformed line for " + std::string(interface));
    std::uint64_t n[16];
    for (std::size_t i = 0; i < 16; ++i) {
      BERTH_ASSIGN(n[i], counter(fields[i], "net/dev"));
    }
    model::NetworkCounters out;
    out.interface = std::string(interface);
    out.rx_bytes = n[0];
    out.rx_packets = n[1];
    out.rx_errors = n[2];
    out.rx_dropped = n[3];
    out.tx_bytes = n[8];
    out.tx_packets = n[9];
    out.tx_errors = n[10];
    out.tx_dropped = n[11];
    return out;
  }
  return fail(Code::server, "net/dev: no interface " + std::string(interface));
}

Result<model::NetworkCounters> read_network_counters(int pid, std::string_view interface, const std::string& proc) {
  const std::string file = proc + "/" + std::to_string(pid) + "/net/dev";
  BERTH_ASSIGN(const auto text, read_file(file));
  auto counters = parse_net_dev(text, interface);
  if (!counters) return std::unexpected(counters.error().wrap(file));
  return counters;
}

}  // namespace berth::runtime
