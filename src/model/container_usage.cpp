#include "model/container_usage.hpp"

#include "model/json_parse.hpp"

namespace berth::model {
namespace {

void put_optional(Json& out, const char* key, const std::optional<std::uint64_t>& value) {
  if (value) out[key] = *value;
}

// Readers of one member of a reply object; each fails when the member has another JSON type.
Result<std::string> text_member(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::string();
  if (!it->is_string()) return fail(Code::serialization, std::string(key) + " is not a string");
  return it->get<std::string>();
}

Result<std::optional<std::uint64_t>> count_member(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<std::uint64_t>();
  if (!it->is_number_unsigned()) return fail(Code::serialization, std::string(key) + " is not a whole number");
  return std::optional<std::uint64_t>(it->get<std::uint64_t>());
}

Result<ContainerUsage> usage_from_json(const Json& entry) {
  if (!entry.is_object()) return fail(Code::serialization, "a container entry is not an object");
  ContainerUsage usage;
  BERTH_ASSIGN(usage.cluster, text_member(entry, "cluster"));
  BERTH_ASSIGN(usage.task_arn, text_member(entry, "taskArn"));
  BERTH_ASSIGN(usage.group, text_member(entry, "group"));
  BERTH_ASSIGN(usage.container_name, text_member(entry, "containerName"));
  BERTH_ASSIGN(const auto read_at, count_member(entry, "readAt"));
  usage.read_at = static_cast<EpochMs>(read_at.value_or(0));
  if (const auto cpu = entry.find("cpuPercent"); cpu != entry.end()) {
    if (!cpu->is_number()) return fail(Code::serialization, "cpuPercent is not a number");
    usage.cpu_percent = cpu->get<double>();
  }
  BERTH_ASSIGN(const auto usage_bytes, count_member(entry, "memoryUsageBytes"));
  usage.memory_usage_bytes = usage_bytes.value_or(0);
  BERTH_ASSIGN(const auto working_set, count_member(entry, "memoryWorkingSetBytes"));
  usage.memory_working_set_bytes = working_set.value_or(0);
  BERTH_ASSIGN(usage.memory_limit_bytes, count_member(entry, "memoryLimitBytes"));
  BERTH_ASSIGN(const auto pids, count_member(entry, "pids"));
  usage.pids = pids.value_or(0);
  BERTH_ASSIGN(usage.network_rx_bytes, count_member(entry, "networkRxBytes"));
  BERTH_ASSIGN(usage.network_tx_bytes, count_member(entry, "networkTxBytes"));
  BERTH_ASSIGN(const auto block_read, count_member(entry, "blockReadBytes"));
  usage.block_read_bytes = block_read.value_or(0);
  BERTH_ASSIGN(const auto block_write, count_member(entry, "blockWriteBytes"));
  usage.block_write_bytes = block_write.value_or(0);
  return usage;
}

}  // namespace

std::optional<double> cpu_percent(const ContainerStats& latest, const ContainerStats& previous) {
  if (latest.host_cpu_ns <= previous.host_cpu_ns || latest.cpu_usage_ns < previous.cpu_usage_ns) return std::nullopt;
  const auto container_delta = static_cast<double>(latest.cpu_usage_ns - previous.cpu_usage_ns);
  const auto host_delta = static_cast<double>(latest.host_cpu_ns - previous.host_cpu_ns);
  return container_delta / host_delta * static_cast<double>(latest.online_cpus) * 100.0;
}

ContainerUsage usage_of(const ContainerSample& latest, const std::optional<ContainerStats>& previous) {
  const ContainerStats& stats = latest.stats;
  ContainerUsage usage{.cluster = latest.cluster,
                       .task_arn = latest.task_arn,
                       .group = latest.group,
                       .container_name = latest.container_name,
                       .read_at = stats.read_at,
                       .cpu_percent = previous ? cpu_percent(stats, *previous) : std::nullopt,
                       .memory_usage_bytes = stats.memory_usage_bytes,
                       .memory_working_set_bytes = stats.memory_working_set_bytes,
                       .memory_limit_bytes = stats.memory_limit_bytes,
                       .pids = stats.pids,
                       .network_rx_bytes = std::nullopt,
                       .network_tx_bytes = std::nullopt,
                       .block_read_bytes = stats.block_read_bytes,
                       .block_write_bytes = stats.block_write_bytes};
  if (stats.network) {
    usage.network_rx_bytes = stats.network->rx_bytes;
    usage.network_tx_bytes = stats.network->tx_bytes;
  }
  return usage;
}

std::string_view task_id_of(std::string_view arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string_view::npos ? arn : arn.substr(slash + 1);
}

std::string_view family_of(std::string_view task_definition_arn) {
  const auto slash = task_definition_arn.find("task-definition/");
  if (slash == std::string_view::npos) return "";
  const std::string_view rest = task_definition_arn.substr(slash + std::string_view("task-definition/").size());
  return rest.substr(0, rest.rfind(':'));
}

Json to_json(const std::vector<ContainerUsage>& usages) {
  Json containers = Json::array();
  for (const auto& usage : usages) {
    Json entry{{"cluster", usage.cluster},
               {"taskArn", usage.task_arn},
               {"group", usage.group},
               {"containerName", usage.container_name},
               {"readAt", usage.read_at},
               {"memoryUsageBytes", usage.memory_usage_bytes},
               {"memoryWorkingSetBytes", usage.memory_working_set_bytes},
               {"pids", usage.pids},
               {"blockReadBytes", usage.block_read_bytes},
               {"blockWriteBytes", usage.block_write_bytes}};
    if (usage.cpu_percent) entry["cpuPercent"] = *usage.cpu_percent;
    put_optional(entry, "memoryLimitBytes", usage.memory_limit_bytes);
    put_optional(entry, "networkRxBytes", usage.network_rx_bytes);
    put_optional(entry, "networkTxBytes", usage.network_tx_bytes);
    containers.push_back(std::move(entry));
  }
  return Json{{"containers", std::move(containers)}};
}

Result<std::vector<ContainerUsage>> container_usages_from_json(std::string_view body) {
  BERTH_ASSIGN(const Json reply, parse_json(body, "The stats reply"));
  const auto containers = reply.is_object() ? reply.find("containers") : reply.end();
  if (!reply.is_object() || containers == reply.end() || !containers->is_array()) {
    return fail(Code::serialization, "The stats reply has no list of containers.");
  }
  std::vector<ContainerUsage> out;
  out.reserve(containers->size());
  for (const Json& entry : *containers) {
    BERTH_ASSIGN(auto usage, usage_from_json(entry));
    out.push_back(std::move(usage));
  }
  return out;
}

}  // namespace berth::model
