#include "agent/container_cpu_shares.hpp"

#include <algorithm>

namespace berth::agent {
namespace {

constexpr long long k_min_shares = 2;
constexpr long long k_max_shares = 262144;
// 256: a container of cpu 0 gets 512, at which the starvation above was not seen.
constexpr long long k_max_factor = 256;

}  // namespace

long long ecs_cpu_shares(long long cpu) { return std::clamp(cpu, k_min_shares, k_max_shares); }

long long container_cpu_shares(long long cpu, long long largest_cpu) {
  const long long largest = ecs_cpu_shares(std::max(cpu, largest_cpu));
  const long long factor = std::clamp(k_max_shares / largest, 1LL, k_max_factor);
  return ecs_cpu_shares(cpu) * factor;
}

}  // namespace berth::agent
