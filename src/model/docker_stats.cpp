#include "model/docker_stats.hpp"

#include "model/task_metadata.hpp"

namespace berth::model {
namespace {

// Docker's time for "never" (Go's zero time), which it reports as preread before a second reading.
constexpr const char* k_zero_time = "0001-01-01T00:00:00Z";
// What Docker reports as the limit of a container without one on cgroup v1 (the kernel's
// PAGE_COUNTER_MAX in bytes): clients divide by the limit, so it is never 0.
constexpr std::uint64_t k_no_memory_limit = 9223372036854771712ULL;

Json cpu_stats_of(const ContainerStats& s) {
  return {{"cpu_usage",
           {{"total_usage", s.cpu_usage_ns}, {"usage_in_kernelmode", s.cpu_system_ns}, {"usage_in_usermode", s.cpu_user_ns}}},
          {"system_cpu_usage", s.host_cpu_ns},
          {"online_cpus", s.online_cpus},
          {"throttling_data", {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}};
}

Json zero_cpu_stats() {
  return {{"cpu_usage", {{"total_usage", 0}, {"usage_in_kernelmode", 0}, {"usage_in_usermode", 0}}},
          {"system_cpu_usage", 0},
          {"online_cpus", 0},
          {"throttling_data", {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}};
}

// berth reads the cgroup's totals over all devices: one entry per operation, device 0:0.
Json blkio_stats_of(const ContainerStats& s) {
  const auto entry = [](const char* op, std::uint64_t value) {
    return Json{{"major", 0}, {"minor", 0}, {"op", op}, {"value", value}};
  };
  Json empty = Json::array();
  return {{"io_service_bytes_recursive",
           Json::array({entry("Read", s.block_read_bytes), entry("Write", s.block_write_bytes),
                        entry("Total", s.block_read_bytes + s.block_write_bytes)})},
          {"io_serviced_recursive", empty},
          {"io_queue_recursive", empty},
          {"io_service_time_recursive", empty},
          {"io_wait_time_recursive", empty},
          {"io_merged_recursive", empty},
          {"io_time_recursive", empty},
          {"sectors_recursive", empty}};
}

Json memory_stats_of(const ContainerStats& s) {
  // Clients take the working set as usage minus inactive_file (v2) or total_inactive_file (v1).
  const std::uint64_t inactive_file =
      s.memory_usage_bytes > s.memory_working_set_bytes ? s.memory_usage_bytes - s.memory_working_set_bytes : 0;
  return {{"usage", s.memory_usage_bytes},
          {"max_usage", s.memory_max_usage_bytes},
          {"stats",
           {{"cache", s.memory_cache_bytes},
            {"total_cache", s.memory_cache_bytes},
            {"inactive_file", inactive_file},
            {"total_inactive_file", inactive_file}}},
          {"limit", s.memory_limit_bytes.value_or(k_no_memory_limit)}};
}

Json network_of(const NetworkCounters& n) {
  return {{"rx_bytes", n.rx_bytes},     {"rx_packets", n.rx_packets}, {"rx_errors", n.rx_errors},
          {"rx_dropped", n.rx_dropped}, {"tx_bytes", n.tx_bytes},     {"tx_packets", n.tx_packets},
          {"tx_errors", n.tx_errors},   {"tx_dropped", n.tx_dropped}};
}

// Bytes per second between two readings of a counter (0 when the counter went back: a new
// namespace).
double rate(std::uint64_t before, std::uint64_t after, EpochMs elapsed_ms) {
  if (elapsed_ms <= 0 || after < before) return 0;
  return static_cast<double>(after - before) * 1000.0 / static_cast<double>(elapsed_ms);
}

}  // namespace

Json docker_stats_json(const ContainerStats& latest, const std::optional<ContainerStats>& previous,
                       const std::string& name, const std::string& id) {
  Json out{{"read", rfc3339_utc(latest.read_at)},
           {"preread", previous ? rfc3339_utc(previous->read_at) : k_zero_time},
           {"pids_stats", {{"current", latest.pids}}},
           {"blkio_stats", blkio_stats_of(latest)},
           {"num_procs", 0},
           {"storage_stats", Json::object()},
           {"cpu_stats", cpu_stats_of(latest)},
           {"precpu_stats", previous ? cpu_stats_of(*previous) : zero_cpu_stats()},
           {"memory_stats", memory_stats_of(latest)},
           {"name", "/" + name},
           {"id", id}};
  if (latest.network) {
    out["networks"] = {{latest.network->interface, network_of(*latest.network)}};
    if (previous && previous->network) {
      const EpochMs elapsed = latest.read_at - previous->read_at;
      out["network_rate_stats"] = {
          {"rx_bytes_per_sec", rate(previous->network->rx_bytes, latest.network->rx_bytes, elapsed)},
          {"tx_bytes_per_sec", rate(previous->network->tx_bytes, latest.network->tx_bytes, elapsed)}};
    }
  }
  return out;
}

}  // namespace berth::model
