// A container's readings in the shape of Docker's stats (GET /containers/{id}/stats, API 1.30+):
// what the task metadata endpoint's .../stats and .../task/stats return, as the ECS agent does,
// so clients that compute CPU % and memory use from Docker stats work unchanged. Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string>

#include "model/container_stats.hpp"
#include "model/schema.hpp"

namespace berth::model {

// Returns `latest` (with `previous`, the reading before it, as precpu_stats and preread; none =
// zeros and Docker's zero time) as Docker stats: read, preread, pids_stats, blkio_stats,
// num_procs, storage_stats, cpu_stats{cpu_usage{total_usage, usage_in_kernelmode,
// usage_in_usermode}, system_cpu_usage, online_cpus, throttling_data}, precpu_stats,
// memory_stats{usage, max_usage, stats, limit}, name ("/" + `name`), id, and for a container with
// its own network namespace networks{eth0: ...} and the ECS agent's network_rate_stats (bytes per
// second between the two readings).
Json docker_stats_json(const ContainerStats& latest, const std::optional<ContainerStats>& previous,
                       const std::string& name, const std::string& id);

}  // namespace berth::model
