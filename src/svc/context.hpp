// What every use case needs: the store, the clock and the ARN scope, and where the state changes
// they make are announced. Built by the composition root (cli/daemon.cpp); `gateway` is filled in
// after start (set_instance_id, set_api_url) and is thread-safe, as the other parts it refers to
// are, so one Context serves all request threads. The API runs each request on a copy that names
// its caller (caller_arn).
#pragma once

#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "store/log_store.hpp"
#include "store/store.hpp"
#include "svc/elb_state.hpp"
#include "svc/local_gateway.hpp"
#include "svc/metric_store.hpp"
#include "svc/remote_agents.hpp"
#include "svc/secret_cipher.hpp"
#include "svc/time_zones.hpp"

namespace berth::svc {

using model::Json;

class ContainerCommands;  // svc/execute_command.hpp
class SchedulerLeadership;  // svc/scheduler_leadership.hpp
class ImageCatalog;       // svc/image_catalog.hpp

// Reads container logs for the API (the node agent's data; svc cannot see the runtime).
class LogSource {
 public:
  virtual ~LogSource() = default;
  // Returns the log lines of `runtime_id` as JSON [{"time","stream","text"}].
  virtual model::Json read(const std::string& runtime_id) = 0;
  // Returns the json-file attrs of `runtime_id` as a JSON object of strings ({} = none).
  virtual model::Json attributes(const std::string& runtime_id) = 0;
};

// The state changes use cases announce, so the parts that act on them need not wait for a tick.
// Called on the thread that made the change, after its commit: implementations only wake
// workers or drop cache entries (quick, thread-safe). A change nobody listens for is a no-op.
class StateEvents {
 public:
  virtual ~StateEvents() = default;
  // Tasks were placed or asked to stop: the agent acts.
  virtual void tasks_changed() {}
  // A schedule was created, changed or deleted, or a scheduled scaling action put: the schedule
  // runner and the scaling runner re-read their next due times.
  virtual void schedules_changed() {}
  // An access key was deleted: the API's key cache drops it at once.
  virtual void access_key_deleted(const std::string& access_key_id) { (void)access_key_id; }
};

struct Context {
  store::Store& store;
  const Clock& clock;
  ArnScope arns;
  std::string default_cluster = "default";
  StateEvents* events = nullptr;  // nullptr = nobody listens (unit tests)
  LogSource* logs = nullptr;
  // The gateway's CloudWatch Logs store; nullptr = the Logs API answers ServerException.
  store::LogStore* log_store = nullptr;
  // Runs commands in this node's containers (ExecuteCommand, `berth exec`); nullptr = no agent.
  ContainerCommands* commands = nullptr;
  // This node's images and pulls (GET /v1/images); nullptr = none are listed.
  ImageCatalog* images = nullptr;
  // Where bridge tasks' hostPort 0 draws from (inclusive): the kernel's ephemeral range, or
  // ECS_DYNAMIC_HOST_PORT_RANGE.
  std::pair<int, int> dynamic_host_ports{32768, 60999};
  // The zones ScheduleExpressionTimezone names (a shared_ptr keeps Context copyable; copies share
  // one cache).
  std::shared_ptr<TimeZoneLibrary> time_zones = std::make_shared<TimeZoneLibrary>("/usr/share/zoneinfo");
  // Seals and opens secret and parameter values; nullptr = the secrets APIs answer
  // ServerException (a build without a key file).
  SecretCipher* secret_cipher = nullptr;
  // What the node's sampler measured (in memory only); nullptr = nothing is measured (unit tests),
  // and metric reads answer with no data.
  MetricStore* metrics = nullptr;
  // The gateway's API URL and own instance, for the agent-facing use cases (a shared_ptr keeps
  // Context copyable; copies share one).
  std::shared_ptr<LocalGateway> gateway = std::make_shared<LocalGateway>();
  // Remote instances' heartbeats and the signal parked polls wait on; nullptr = no remote agents
  // are served (polls answer at once, nobody is ever lost).
  RemoteAgents* remote_agents = nullptr;
  // Where this gateway's host ports answer for its bridge containers (the bridge's gateway
  // address): Cloud Map's AWS_INSTANCE_IPV4 for the tasks it registers; "" = none is given.
  std::string instance_address{};
  // The IAM user the request was authenticated as ("arn:aws:iam::<account>:user/<name>"), set on
  // the API's per-request copy; "" for internal callers, which speak for the account's root user.
  std::string caller_arn{};
  // Elastic Load Balancing's in-memory state: target health, draining tasks (a shared_ptr keeps
  // Context copyable; copies share one).
  std::shared_ptr<ElbState> elb = std::make_shared<ElbState>();
  // Which server of a replicated control plane runs the schedulers (svc/scheduler_leadership.hpp);
  // nullptr = this server's schedulers always act, unfenced (no leadership configured).
  const SchedulerLeadership* leadership = nullptr;
  // Set on a scheduler's copy for one pass (acting_context): the leadership term its writes are
  // fenced with (store::PlanCommit::leader_term). Nothing on the API's copies: any server takes
  // API calls, and the writes they make are not the schedulers'.
  std::optional<std::int64_t> leader_term{};
  // Announce a change to `events` (see StateEvents).
  void tasks_changed() const {
    if (remote_agents) remote_agents->tasks_changed();
    if (events) events->tasks_changed();
  }
  // The same for changes on `instances` only: just their parked polls look again.
  void tasks_changed_on(const std::vector<std::string>& instances) const {
    if (remote_agents) {
      for (const auto& id : instances) remote_agents->tasks_changed_on(id);
    }
    if (events) events->tasks_changed();
  }
  void schedules_changed() const {
    if (events) events->schedules_changed();
  }
  void access_key_deleted(const std::string& access_key_id) const {
    if (events) events->access_key_deleted(access_key_id);
  }
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
