#include "cli/transfer_progress.hpp"

#include <iomanip>
#include <sstream>

#include "cli/rollout_progress.hpp"

namespace berth::cli {

constexpr int k_bar_width = 20;

std::string human_size(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 3) {
    v /= 1000;
    ++u;
  }
  std::ostringstream out;
  out << std::fixed << std::setprecision(u == 0 ? 0 : 1) << v << " " << units[u];
  return out.str();
}

std::string transfer_line(std::uint64_t bytes_done, std::uint64_t bytes_total, std::size_t layers_done,
                          std::size_t layers_total) {
  // Bytes past a total that was wrong (a file grown meanwhile) fill the bar, never overflow it;
  // both are scaled down alike until the bar's arithmetic (done × width) cannot overflow.
  std::uint64_t done = std::min(bytes_done, bytes_total);
  std::uint64_t total = bytes_total;
  while (total > (1ull << 58)) {
    done >>= 1;
    total >>= 1;
  }
  std::string line = progress_bar(static_cast<long long>(done), static_cast<long long>(total), k_bar_width) + " " +
                     human_size(bytes_done) + " of " + human_size(bytes_total);
  if (layers_total > 0) line += ", layers " + std::to_string(layers_done) + "/" + std::to_string(layers_total);
  return line;
}

}  // namespace berth::cli
