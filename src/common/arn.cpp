#include "common/arn.hpp"

#include <vector>

namespace berth {

std::string ArnScope::cluster(std::string_view name) const {
  return prefix() + "cluster/" + std::string(name);
}

std::string ArnScope::task_definition(std::string_view family, long long revision) const {
  // Daemon task definitions are stored under "daemon:<family>" (model/daemon.hpp); their tasks
  // name them by ECS's daemon task definition ARN.
  constexpr std::string_view k_daemon_prefix = "daemon:";
  if (family.starts_with(k_daemon_prefix)) {
    family.remove_prefix(k_daemon_prefix.size());
    return prefix() + "daemon-task-definition/" + std::string(family) + ":" + std::to_string(revision);
  }
  return prefix() + "task-definition/" + std::string(family) + ":" + std::to_string(revision);
}

std::string ArnScope::container_instance(std::string_view cluster_name, std::string_view id) const {
  return prefix() + "container-instance/" + std::string(cluster_name) + "/" + std::string(id);
}

std::string ArnScope::task(std::string_view cluster_name, std::string_view id) const {
  return prefix() + "task/" + std::string(cluster_name) + "/" + std::string(id);
}

std::string ArnScope::service(std::string_view cluster_name, std::string_view name) const {
  return prefix() + "service/" + std::string(cluster_name) + "/" + std::string(name);
}

std::optional<std::string> ArnScope::cluster_name_of(std::string_view id) const {
  if (!is_arn(id)) return std::string(id);
  const auto arn = parse_ecs_arn(id);
  if (!arn || arn->resource_type != "cluster" || arn->region != region || arn->account != account) {
    return std::nullopt;
  }
  return arn->resource;
}

std::optional<std::string> ArnScope::resource_id_of(std::string_view cluster_name, std::string_view resource_type,
                                                    std::string_view text) const {
  if (!is_arn(text)) return std::string(text);
  const auto arn = parse_ecs_arn(text);
  if (!arn || arn->resource_type != resource_type || arn->region != region || arn->account != account) {
    return std::nullopt;
  }
  const auto slash = arn->resource.find('/');
  if (slash == std::string::npos) return arn->resource;
  if (std::string_view(arn->resource).substr(0, slash) != cluster_name) return std::nullopt;
  return arn->resource.substr(slash + 1);
}

std::optional<ParsedArn> parse_ecs_arn(std::string_view arn) {
  // arn:partition:service:region:account:resource — the resource itself may contain ':'.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string_view resource = arn.substr(start);
  if (parts[0] != "arn" || parts[1].empty() || parts[2] != "ecs" || resource.empty()) {
    return std::nullopt;
  }
  const auto slash = resource.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == resource.size()) {
    return std::nullopt;
  }
  return ParsedArn{std::string(parts[3]), std::string(parts[4]),
                   std::string(resource.substr(0, slash)), std::string(resource.substr(slash + 1))};
}

}  // namespace berth
