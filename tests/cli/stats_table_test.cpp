#include "cli/stats_table.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::stats_table_test {

TEST_CASE("stats table: sizes as Docker prints them", "[cli][metrics]") {
  CHECK(binary_size(0) == "0B");
  CHECK(binary_size(1023) == "1023B");
  CHECK(binary_size(1536) == "1.5KiB");
  CHECK(binary_size(64ull << 20) == "64MiB");
  CHECK(binary_size(~0ull) == "16EiB");
  CHECK(decimal_size(999) == "999B");
  CHECK(decimal_size(1200) == "1.2kB");
  CHECK(decimal_size(3'456'789) == "3.457MB");
}

TEST_CASE("stats table: header, one aligned row per container, -- for what a reading lacks", "[cli][metrics]") {
  CHECK(format_stats_table({}) ==
        "CONTAINER   TASK   CPU %   MEM USAGE / LIMIT   MEM %   NET I/O   BLOCK I/O   PIDS\n");
  model::ContainerUsage web{.cluster = "default",
                            .task_arn = "arn:aws:ecs:local:000000000000:task/default/0f1e",
                            .group = "service:web",
                            .container_name = "web",
                            .read_at = 0,
                            .cpu_percent = 12.345,
                            .memory_usage_bytes = 3 << 20,
                            .memory_working_set_bytes = 2 << 20,
                            .memory_limit_bytes = 64 << 20,
                            .pids = 3,
                            .network_rx_bytes = 1200,
                            .network_tx_bytes = 648,
                            .block_read_bytes = 0,
                            .block_write_bytes = 4096};
  model::ContainerUsage fresh;
  fresh.task_arn = "arn:aws:ecs:local:000000000000:task/default/aa";
  fresh.container_name = "sidecar-with-long-name";
  fresh.memory_working_set_bytes = 512;
  const std::string table = format_stats_table({web, fresh});
  CHECK(table ==
        "CONTAINER                TASK   CPU %    MEM USAGE / LIMIT   MEM %   NET I/O        BLOCK I/O      PIDS\n"
        "web                      0f1e   12.35%   2MiB / 64MiB        3.12%   1.2kB / 648B   0B / 4.096kB   3\n"
        "sidecar-with-long-name   aa     --       512B / --           --      --             0B / 0B        0\n");
}

}  // namespace berth::cli::stats_table_test
