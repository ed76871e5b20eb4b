#include "agent/container_cpu_shares.hpp"

#include <catch2/catch.hpp>

namespace container_cpu_shares_test {

using berth::agent::container_cpu_shares;
using berth::agent::ecs_cpu_shares;

TEST_CASE("cpu shares: ECS's mapping clamps to the kernel's range", "[agent]") {
  CHECK(ecs_cpu_shares(0) == 2);
  CHECK(ecs_cpu_shares(1) == 2);
  CHECK(ecs_cpu_shares(512) == 512);
  CHECK(ecs_cpu_shares(1 << 20) == 262144);
}

TEST_CASE("cpu shares: a task's containers keep ECS's ratios, scaled off the minimum weight", "[agent]") {
  // Alone or beside others of cpu 0: 2 x 256.
  CHECK(container_cpu_shares(0, 0) == 512);
  // cpu 0 beside cpu 1024: 2 : 1024, both x 256 (1024 x 256 is the kernel's largest).
  CHECK(container_cpu_shares(0, 1024) == 512);
  CHECK(container_cpu_shares(1024, 1024) == 262144);
  // A larger container lowers the factor so that it fits: 4096 x 64; the ratio stays 2 : 4096.
  CHECK(container_cpu_shares(4096, 4096) == 262144);
  CHECK(container_cpu_shares(0, 4096) == 128);
  CHECK(container_cpu_shares(4096, 4096) / container_cpu_shares(0, 4096) == 4096 / 2);
  // Beyond the kernel's range ECS's clamp applies, and no factor below 1.
  CHECK(container_cpu_shares(300000, 300000) == 262144);
  CHECK(container_cpu_shares(0, 300000) == 2);
  // A largest below the container's own (not a caller's mistake to trust): its own counts.
  CHECK(container_cpu_shares(1024, 0) == 262144);
}

}  // namespace container_cpu_shares_test
