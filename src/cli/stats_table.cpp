#include "cli/stats_table.hpp"

#include "cli/table.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace berth::cli {
namespace {

constexpr std::string_view k_none = "--";

std::string size_in(double value, double base, const std::array<const char*, 7>& units) {
  std::size_t unit = 0;
  while (value >= base && unit + 1 < units.size()) {
    value /= base;
    ++unit;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%.4g%s", value, units[unit]);
  return buffer;
}

std::string percent(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%.2f%%", value);
  return buffer;
}

}  // namespace

std::string binary_size(std::uint64_t bytes) {
  return size_in(static_cast<double>(bytes), 1024, {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"});
}

std::string decimal_size(std::uint64_t bytes) {
  return size_in(static_cast<double>(bytes), 1000, {"B", "kB", "MB", "GB", "TB", "PB", "EB"});
}

std::string format_stats_table(const std::vector<model::ContainerUsage>& usages) {
  std::vector<Row> rows{{"CONTAINER", "TASK", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"}};
  for (const auto& u : usages) {
    const std::string limit = u.memory_limit_bytes ? binary_size(*u.memory_limit_bytes) : std::string(k_none);
    const bool has_limit = u.memory_limit_bytes && *u.memory_limit_bytes > 0;
    const double memory_share = has_limit ? static_cast<double>(u.memory_working_set_bytes) * 100.0 /
                                                static_cast<double>(*u.memory_limit_bytes)
                                          : 0;
    const bool has_network = u.network_rx_bytes && u.network_tx_bytes;
    rows.push_back({u.container_name, std::string(model::task_id_of(u.task_arn)),
                    u.cpu_percent ? percent(*u.cpu_percent) : std::string(k_none),
                    binary_size(u.memory_working_set_bytes) + " / " + limit,
                    has_limit ? percent(memory_share) : std::string(k_none),
                    has_network ? decimal_size(*u.network_rx_bytes) + " / " + decimal_size(*u.network_tx_bytes)
                                : std::string(k_none),
                    decimal_size(u.block_read_bytes) + " / " + decimal_size(u.block_write_bytes),
                    std::to_string(u.pids)});
  }
  return format_table(rows);
}

}  // namespace berth::cli
