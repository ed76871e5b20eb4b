// ECS ARNs in the long format: arn:aws:ecs:<region>:<account>:<type>/<rest>. Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

// Builds ARNs for one region and account (both from config).
struct ArnScope {
  std::string region;
  std::string account;

  std::string prefix() const { return "arn:aws:ecs:" + region + ":" + account + ":"; }
  std::string cluster(std::string_view name) const;
  std::string task_definition(std::string_view family, long long revision) const;
  std::string container_instance(std::string_view cluster_name, std::string_view id) const;
  std::string task(std::string_view cluster_name, std::string_view id) const;
  std::string service(std::string_view cluster_name, std::string_view name) const;

  // Returns the cluster name `id` (a name or a cluster ARN) names, without checking it exists;
  // nothing for an ARN of another kind, region or account.
  std::optional<std::string> cluster_name_of(std::string_view id) const;

  // Returns the id `text` names for a resource of `resource_type` ("task", "service",
  // "container-instance") in `cluster_name`: `text` itself, or the last part of an ARN of this
  // region, account and cluster (the old form without the cluster is accepted). Nothing for an
  // ARN of another kind or place.
  std::optional<std::string> resource_id_of(std::string_view cluster_name, std::string_view resource_type,
                                            std::string_view text) const;
};

struct ParsedArn {
  std::string region;
  std::string account;
  std::string resource_type;  // "cluster", "task-definition", "task", ...
  std::string resource;       // everything after "<type>/" (or "<type>:" for old forms)
};

// Returns the parts of an `arn:aws:ecs:...` string, or nothing if it is not one.
std::optional<ParsedArn> parse_ecs_arn(std::string_view arn);

// True if `s` looks like an ARN of any service (callers then decide between name and ARN).
inline bool is_arn(std::string_view s) { return s.starts_with("arn:"); }

}  // namespace berth
