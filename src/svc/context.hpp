// What every use case needs: the store, the clock and the ARN scope. Built in main; the parts
// it refers to are thread-safe, so one Context serves all request threads.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "store/store.hpp"
#include "svc/secret_cipher.hpp"

namespace berth::svc {

using model::Json;

// Reads container logs for the API (the node agent's data; svc cannot see the runtime).
class LogSource {
 public:
  virtual ~LogSource() = default;
  // Returns the log lines of `runtime_id` as JSON [{"time","stream","text"}].
  virtual model::Json read(const std::string& runtime_id) = 0;
};

struct Context {
  store::Store& store;
  const Clock& clock;
  ArnScope arns;
  std::string default_cluster = "default";
  // Called after tasks are placed or asked to stop, so the agent acts without waiting a tick.
  std::function<void()> tasks_changed = [] {};
  LogSource* logs = nullptr;
  // Called after an access key is deleted, so the API's key cache drops it at once.
  std::function<void(const std::string& access_key_id)> access_key_deleted = [](const std::string&) {};
  // Called after a schedule is created, changed or deleted, so the runner re-reads its timers.
  std::function<void()> schedules_changed = [] {};
  // Where bridge tasks' hostPort 0 draws from (inclusive): the kernel's ephemeral range, or
  // ECS_DYNAMIC_HOST_PORT_RANGE.
  std::pair<int, int> dynamic_host_ports{32768, 60999};
  // Where ScheduleExpressionTimezone names are looked up (TZif files, as tzdata installs them).
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  // Seals and opens secret and parameter values; nullptr = the secrets APIs answer
  // ServerException (a build without a key file).
  SecretCipher* secret_cipher = nullptr;
  // Placement reads usage and then writes tasks: one placement at a time keeps it exact.
  std::mutex placement_mutex{};
};

// Resolves a cluster name or ARN (missing = the default cluster) to the name of an ACTIVE
// cluster. Returns ClusterNotFoundException otherwise.
[[nodiscard]] Result<std::string> resolve_active_cluster(Context& ctx, const Json& request,
                                                         const char* member = "cluster");

// The same for a typed request's cluster member (nothing = the default cluster).
[[nodiscard]] Result<std::string> resolve_active_cluster(Context& ctx, const std::optional<std::string>& cluster);

// Returns the id `text` names for a resource of `resource_type` ("task", "service",
// "container-instance") in `cluster`: `text` itself, or the last part of an ARN of this region,
// account and cluster (the old form without the cluster is accepted). Nothing for an ARN of
// another kind or place.
std::optional<std::string> resource_id_of(const Context& ctx, const std::string& cluster,
                                          std::string_view resource_type, const std::string& text);

// Returns the cluster name an identifier names (without checking it exists), or nothing for
// an ARN of another kind, region or account.
std::optional<std::string> cluster_name_of(const Context& ctx, const std::string& id);

// Appends {"nextToken": ...} to `response` when a page came back full (`more` results exist).
void set_next_token(Json& response, bool more, const std::string& list_name,
                    const std::string& last_key);

// Returns the nextToken of a typed List* reply: one when a page came back full (`more` results
// exist), else nothing.
std::optional<std::string> next_token(bool more, const std::string& list_name, const std::string& last_key);

// Returns `list` as std::vector<std::string> (a shape-checked list of strings).
std::vector<std::string> strings_of(const Json& list);

}  // namespace berth::svc
