// A running container's usage as `berth stats` shows it (the REST route GET /v1/stats): its
// reading with the CPU % computed from the reading before, and the JSON codec of that route.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/container_stats.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct ContainerUsage {
  std::string cluster;
  std::string task_arn;
  std::string group;  // "service:NAME", "family:NAME"
  std::string container_name;
  EpochMs read_at = 0;
  std::optional<double> cpu_percent;  // none until a container was read twice
  std::uint64_t memory_usage_bytes = 0;
  std::uint64_t memory_working_set_bytes = 0;
  std::optional<std::uint64_t> memory_limit_bytes;  // none = no limit
  std::uint64_t pids = 0;
  std::optional<std::uint64_t> network_rx_bytes;  // none without a network namespace of its own
  std::optional<std::uint64_t> network_tx_bytes;
  std::uint64_t block_read_bytes = 0;
  std::uint64_t block_write_bytes = 0;
};

// Returns the CPU the container used between `previous` and `latest` as Docker computes it: its
// CPU time over the host's CPU time in that interval, times the online CPUs, times 100 (so one
// busy core is 100 %). None when the host's counter did not advance or a counter went back (a
// restarted container).
std::optional<double> cpu_percent(const ContainerStats& latest, const ContainerStats& previous);

// Returns what `berth stats` shows of a container whose newest reading is `latest`.
ContainerUsage usage_of(const ContainerSample& latest, const std::optional<ContainerStats>& previous);

// Returns the id at the end of a task ARN ("arn:...:task/default/0f1e" -> "0f1e"); `arn` itself
// when it has no '/'.
std::string_view task_id_of(std::string_view arn);
// Returns the family of a task definition ARN ("arn:...:task-definition/web:3" -> "web"), or ""
// when `arn` is not one.
std::string_view family_of(std::string_view task_definition_arn);

// The reply of GET /v1/stats: {"containers": [{"cluster", "taskArn", ...}, ...]}.
Json to_json(const std::vector<ContainerUsage>& usages);
// Reads that reply back; SerializationException / InvalidParameterException for another shape.
[[nodiscard]] Result<std::vector<ContainerUsage>> container_usages_from_json(std::string_view body);

}  // namespace berth::model
