#include "model/remote_agent_codecs.hpp"

#include <climits>
#include <cmath>

#include "common/numbers.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {
namespace {

Json attributes_of(const NodeRegistration& node) {
  Json list = Json::array();
  std::map<std::string, std::string> all = node.initial_attributes;
  for (const auto& [name, value] : node.attributes) all[name] = value;  // built-in ones win, as register_node does
  for (const auto& [name, value] : all) {
    Json a{{"name", name}};
    if (!value.empty()) a["value"] = value;
    list.push_back(std::move(a));
  }
  return list;
}

const Json k_version_info{{"agentVersion", "berth"}, {"agentHash", ""}, {"dockerVersion", "runc"}};

std::unexpected<Error> malformed(const std::string& what) {
  return fail(Code::server, "the server's reply is malformed: " + what);
}

// Checked readers of reply members: absent is empty/nothing, a wrong type is an error.
Result<std::string> text(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string()) return malformed(std::string(key) + " is not a string");
  return j[key].get<std::string>();
}

Result<std::optional<EpochMs>> time_of(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::optional<EpochMs>();
  if (!j[key].is_number()) return malformed(std::string(key) + " is not a time");
  const double seconds = j[key].get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11) return malformed(std::string(key) + " is out of range");
  return std::optional<EpochMs>(static_cast<EpochMs>(std::llround(seconds * 1000)));
}

template <class Status>
Result<Status> status_of(const Json& j, const char* key) {
  BERTH_ASSIGN(const auto wire, text(j, key));
  const auto status = from_wire<Status>(wire);
  if (!status) return malformed(std::string(key) + " '" + wire.substr(0, 40) + "' is not a status");
  return *status;
}

// The ECS ARN of `type` in member `key` split at its last '/': what comes before it (the
// cluster) and the last part (the id).
Result<std::pair<std::string, std::string>> arn_parts(const Json& j, const char* key, const char* type) {
  BERTH_ASSIGN(const auto arn, text(j, key));
  const auto parsed = parse_ecs_arn(arn);
  if (!parsed || parsed->resource_type != type) return malformed(std::string("not a ") + type + " ARN: " + arn.substr(0, 120));
  const auto slash = parsed->resource.rfind('/');
  if (slash == std::string::npos) return std::make_pair(std::string(), parsed->resource);
  return std::make_pair(parsed->resource.substr(0, slash), parsed->resource.substr(slash + 1));
}

Result<TaskContainer> container_of(const Json& wc) {
  if (!wc.is_object()) return malformed("a container is not an object");
  TaskContainer c;
  BERTH_ASSIGN(c.name, text(wc, "name"));
  BERTH_ASSIGN(const auto parts, arn_parts(wc, "containerArn", "container"));
  c.id = parts.second;
  BERTH_ASSIGN(c.image, text(wc, "image"));
  BERTH_ASSIGN(c.runtime_id, text(wc, "runtimeId"));
  BERTH_ASSIGN(c.image_digest, text(wc, "imageDigest"));
  BERTH_ASSIGN(c.reason, text(wc, "reason"));
  BERTH_ASSIGN(c.last_status, status_of<TaskStatus>(wc, "lastStatus"));
  if (wc.contains("exitCode")) {
    // Compared as JSON numbers: get<int> alone would wrap a code beyond int.
    const Json& code = wc["exitCode"];
    if (!code.is_number_integer() || code < INT_MIN || code > INT_MAX) return malformed("exitCode is not an exit code");
    c.exit_code = code.get<int>();
  }
  if (wc.contains("networkBindings") && wc["networkBindings"].is_array()) c.network_bindings = wc["networkBindings"];
  if (wc.contains("networkInterfaces") && wc["networkInterfaces"].is_array()) c.network_interfaces = wc["networkInterfaces"];
  if (wc.contains("gpuIds")) {
    if (!wc["gpuIds"].is_array()) return malformed("gpuIds is not a list");
    for (const auto& g : wc["gpuIds"]) {
      if (!g.is_string()) return malformed("a GPU id is not a string");
      c.gpu_ids.push_back(g.get<std::string>());
    }
  }
  if (c.name.empty() || c.id.empty()) return malformed("a container has no name or ARN");
  return c;
}

Result<Task> task_of(const Json& wt) {
  if (!wt.is_object()) return malformed("a task is not an object");
  Task t;
  BERTH_ASSIGN(const auto task_parts, arn_parts(wt, "taskArn", "task"));
  t.cluster = task_parts.first;
  t.id = task_parts.second;
  BERTH_ASSIGN(const auto td_arn, text(wt, "taskDefinitionArn"));
  const auto td = parse_ecs_arn(td_arn);
  const auto colon = td ? td->resource.rfind(':') : std::string::npos;
  const auto revision = colon == std::string::npos ? std::nullopt : parse_integer<long long>(td->resource.substr(colon + 1));
  if (!td || td->resource_type != "task-definition" || !revision) return malformed("taskDefinitionArn " + td_arn.substr(0, 120));
  t.family = td->resource.substr(0, colon);
  t.revision = *revision;
  BERTH_ASSIGN(const auto instance_parts, arn_parts(wt, "containerInstanceArn", "container-instance"));
  t.container_instance_id = instance_parts.second;
  BERTH_ASSIGN(t.last_status, status_of<TaskStatus>(wt, "lastStatus"));
  BERTH_ASSIGN(t.desired_status, status_of<TaskStatus>(wt, "desiredStatus"));
  BERTH_ASSIGN(t.group, text(wt, "group"));
  BERTH_ASSIGN(t.started_by, text(wt, "startedBy"));
  BERTH_ASSIGN(t.cpu, text(wt, "cpu"));
  BERTH_ASSIGN(t.memory, text(wt, "memory"));
  BERTH_ASSIGN(t.stop_code, text(wt, "stopCode"));
  BERTH_ASSIGN(t.stopped_reason, text(wt, "stoppedReason"));
  BERTH_ASSIGN(t.capacity_provider, text(wt, "capacityProviderName"));
  if (wt.contains("overrides")) {
    if (!wt["overrides"].is_object()) return malformed("overrides is not an object");
    t.overrides = wt["overrides"];
  }
  // Read once through value(): a const operator[] on a member the reply lacks is undefined.
  const Json exec = wt.value("enableExecuteCommand", Json(false));
  t.enable_execute_command = exec.is_boolean() && exec.get<bool>();
  BERTH_ASSIGN(const auto created, time_of(wt, "createdAt"));
  t.created_at = created.value_or(0);
  BERTH_ASSIGN(t.pull_started_at, time_of(wt, "pullStartedAt"));
  BERTH_ASSIGN(t.pull_stopped_at, time_of(wt, "pullStoppedAt"));
  BERTH_ASSIGN(t.started_at, time_of(wt, "startedAt"));
  BERTH_ASSIGN(t.stopping_at, time_of(wt, "stoppingAt"));
  BERTH_ASSIGN(t.execution_stopped_at, time_of(wt, "executionStoppedAt"));
  BERTH_ASSIGN(t.stopped_at, time_of(wt, "stoppedAt"));
  if (wt.contains("version")) {
    if (!wt["version"].is_number_integer()) return malformed("version is not an integer");
    t.version = wt["version"].get<long long>();
  }
  if (!wt.contains("containers") || !wt["containers"].is_array() || wt["containers"].size() > 10) {
    return malformed("task " + t.id + " has no list of at most 10 containers");
  }
  for (const auto& wc : wt["containers"]) {
    BERTH_ASSIGN(auto c, container_of(wc));
    t.containers.push_back(std::move(c));
  }
  if (t.id.empty() || t.cluster.empty() || t.family.empty()) return malformed("a task without its ARN");
  return t;
}

// Members task_definition_to_json adds to the registered body.
constexpr const char* k_added_members[] = {"taskDefinitionArn", "revision", "status", "registeredAt",
                                           "registeredBy", "compatibilities", "requiresAttributes", "deregisteredAt"};

Result<TaskDefinition> definition_of(const Json& wd) {
  if (!wd.is_object()) return malformed("a task definition is not an object");
  TaskDefinition d;
  BERTH_ASSIGN(d.family, text(wd, "family"));
  if (!wd.contains("revision") || !wd["revision"].is_number_integer()) return malformed("a task definition without revision");
  d.revision = wd["revision"].get<long long>();
  BERTH_ASSIGN(d.status, status_of<TaskDefinitionStatus>(wd, "status"));
  BERTH_ASSIGN(const auto registered, time_of(wd, "registeredAt"));
  d.registered_at = registered.value_or(0);
  d.body = wd;
  for (const char* member : k_added_members) d.body.erase(member);
  if (d.family.empty() || !d.body.contains("containerDefinitions") || !d.body["containerDefinitions"].is_array()) {
    return malformed("task definition " + d.family + " has no containerDefinitions");
  }
  return d;
}

void put_time(Json& out, const char* key, const std::optional<EpochMs>& t) {
  if (t) out[key] = epoch_seconds(*t);
}

Json container_change_json(const ContainerStateChange& c) {
  Json out{{"containerName", c.container_name}};
  if (c.status) out["status"] = std::string(to_wire(*c.status));
  if (c.exit_code) out["exitCode"] = *c.exit_code;
  if (c.reason) out["reason"] = c.reason->substr(0, 1024);
  if (c.runtime_id) out["runtimeId"] = *c.runtime_id;
  if (c.image_digest) out["imageDigest"] = *c.image_digest;
  if (c.network_bindings) out["networkBindings"] = *c.network_bindings;
  return out;
}

}  // namespace

Json encode_join_request(const std::string& token, const NodeRegistration& node) {
  return {{"joinToken", token},
          {"attributes", attributes_of(node)},
          {"totalResources", registered_resources_of(node)},
          {"versionInfo", k_version_info}};
}

Json encode_reregistration(const std::string& cluster, const std::string& instance_arn, const NodeRegistration& node) {
  return {{"cluster", cluster},
          {"containerInstanceArn", instance_arn},
          {"attributes", attributes_of(node)},
          {"totalResources", registered_resources_of(node)},
          {"versionInfo", k_version_info}};
}

Json encode_poll_request(const std::string& cluster, const std::string& instance_arn,
                         const std::optional<std::string>& cursor, int wait_seconds, bool accept_unchanged) {
  Json out{{"cluster", cluster}, {"containerInstance", instance_arn}, {"waitSeconds", wait_seconds}};
  if (accept_unchanged) out["acceptUnchanged"] = true;
  if (cursor) out["cursor"] = *cursor;
  return out;
}

Json encode_task_state_change(const SubmitTaskStateChangeRequest& r) {
  Json out{{"task", r.task}};
  if (r.cluster) out["cluster"] = *r.cluster;
  if (r.change.status) out["status"] = std::string(to_wire(*r.change.status));
  if (r.change.reason) out["reason"] = r.change.reason->substr(0, 1024);
  Json containers = Json::array();
  for (const auto& c : r.change.containers) containers.push_back(container_change_json(c));
  out["containers"] = std::move(containers);
  put_time(out, "pullStartedAt", r.change.pull_started_at);
  put_time(out, "pullStoppedAt", r.change.pull_stopped_at);
  put_time(out, "executionStoppedAt", r.change.execution_stopped_at);
  return out;
}

Json encode_container_state_change(const SubmitContainerStateChangeRequest& r) {
  Json out = container_change_json(r.change);
  out["task"] = r.task;
  if (r.cluster) out["cluster"] = *r.cluster;
  return out;
}

Result<JoinClusterReply> decode_join_reply(const Json& j) {
  if (!j.is_object()) return malformed("not an object");
  JoinClusterReply r;
  BERTH_ASSIGN(const auto cluster_parts, arn_parts(j, "clusterArn", "cluster"));
  r.cluster = cluster_parts.second;
  BERTH_ASSIGN(const auto instance_parts, arn_parts(j, "containerInstanceArn", "container-instance"));
  r.instance_id = instance_parts.second;
  BERTH_ASSIGN(r.access_key_id, text(j, "accessKeyId"));
  BERTH_ASSIGN(r.secret_access_key, text(j, "secretAccessKey"));
  BERTH_ASSIGN(r.region, text(j, "region"));
  for (auto [key, field] : {std::pair{"pollWaitSeconds", &r.poll_wait_seconds}, std::pair{"lostAfterSeconds", &r.lost_after_seconds}}) {
    if (j.contains(key)) {
      if (!j[key].is_number_integer()) return malformed(std::string(key) + " is not an integer");
      *field = j[key].get<long long>();
    }
  }
  if (r.cluster.empty() || r.instance_id.empty() || r.access_key_id.empty() || r.secret_access_key.empty() || r.region.empty()) {
    return malformed("the join reply lacks its cluster, instance or key");
  }
  return r;
}

Result<PollInstanceTasksReply> decode_poll_reply(const Json& j) {
  if (!j.is_object()) return malformed("not an object");
  PollInstanceTasksReply r;
  BERTH_ASSIGN(const auto instance_parts, arn_parts(j, "containerInstanceArn", "container-instance"));
  r.cluster = instance_parts.first;
  r.instance_id = instance_parts.second;
  BERTH_ASSIGN(r.cursor, text(j, "cursor"));
  if (j.contains("unchanged")) {
    if (!j["unchanged"].is_boolean()) return malformed("unchanged is not a boolean");
    r.unchanged = j["unchanged"].get<bool>();
    if (r.unchanged) return r;  // nothing else is listed
  }
  for (const char* key : {"tasks", "taskDefinitions"}) {
    if (!j.contains(key) || !j[key].is_array()) return malformed(std::string(key) + " is not a list");
  }
  for (const auto& wt : j["tasks"]) {
    BERTH_ASSIGN(auto t, task_of(wt));
    r.tasks.push_back(std::move(t));
  }
  for (const auto& wd : j["taskDefinitions"]) {
    BERTH_ASSIGN(auto d, definition_of(wd));
    r.definitions.push_back(std::move(d));
  }
  if (j.contains("logRequests")) {
    BERTH_ASSIGN(r.log_requests, log_requests_from_json(j["logRequests"]));
  }
  if (j.contains("execRequests")) {
    BERTH_ASSIGN(r.exec_requests, exec_requests_from_json(j["execRequests"]));
  }
  if (j.contains("relayRequests")) {
    BERTH_ASSIGN(r.relay_requests, relay_requests_from_json(j["relayRequests"]));
  }
  if (j.contains("secrets")) {
    BERTH_ASSIGN(r.secrets, served_secrets_from_json(j["secrets"]));
  }
  return r;
}

}  // namespace berth::model
