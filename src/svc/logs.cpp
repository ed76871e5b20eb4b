// Container logs of a task, for the REST endpoint device apps and `berth logs` read.
#include "svc/logs.hpp"

#include <algorithm>
#include <map>

#include "svc/actions.hpp"
#include "svc/awslogs_task_logs.hpp"
#include "svc/remote_exec.hpp"

namespace berth::svc {
namespace {

// How long a GetTaskLogs waits for a joined gateway's agent: it polls at least every few seconds.
constexpr std::chrono::seconds k_remote_log_wait{10};
// How much of an awslogs container's stored stream one read takes at most (the newest): each
// `berth logs --follow` poll reads it again, so it stays a few times the shim's own files.
constexpr std::size_t k_max_store_bytes = 8 << 20;

// The log lines of `task`'s containers (`container`, or all) from its joined gateway's agent: asked
// for through its next poll (parked polls look again at once), waited for. With `from` (cursors by
// container name; a container without one: from its oldest line) the lines after them within
// `max_bytes`, and the cursors after them when the agent knows cursors.
Result<model::SubmitTaskLogsRequest> logs_through_agent(Context& ctx, const model::Task& task, const std::string& container,
                                                        const std::optional<std::map<std::string, model::LogCursor>>& from,
                                                        std::size_t max_bytes) {
  model::LogRequest request;
  if (from) request.cursors.emplace();
  request.max_bytes = std::min(max_bytes, model::k_max_submitted_log_bytes);
  for (const auto& c : task.containers) {
    if (!container.empty() && c.name != container) continue;
    const std::string runtime_id = task.id + "-" + c.name;
    request.runtime_ids.push_back(runtime_id);
    if (from && from->contains(c.name)) (*request.cursors)[runtime_id] = from->at(c.name);
  }
  auto& requests = ctx.remote_agents->log_requests();
  const auto id = requests.ask(task.container_instance_id, std::move(request));
  if (!id) return fail(Code::server, "Too many log requests to joined gateways are open; try again.");
  ctx.remote_agents->tasks_changed_on(task.container_instance_id);
  auto answer = requests.wait(*id, k_remote_log_wait);
  if (!answer) {
    return fail(Code::server, "The agent of container instance " + task.container_instance_id + " did not send the logs within " +
                                  std::to_string(k_remote_log_wait.count()) + " s.");
  }
  return std::move(*answer);
}

}  // namespace

Result<Json> task_logs(Context& ctx, const std::string& cluster_id, const std::string& task_text,
                       const std::string& container, std::size_t since, std::size_t max_text_bytes,
                       const std::string& cursor) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, Json{{"cluster", cluster_id.empty() ? ctx.default_cluster : cluster_id}}));
  const auto id = resource_id_of(ctx, cluster, "task", task_text);
  if (!id) return fail(Code::invalid_parameter, "'" + task_text + "' is not a task ARN of cluster " + cluster + ".");
  BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, *id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  model::SubmitTaskLogsRequest remote;  // a joined gateway's task: its agent's answer, by runtime id
  const bool joined = on_joined_instance(ctx, *task);
  // A joined gateway's task is read from cursors: a reader with none yet starts at the oldest line;
  // one that reads by `since` alone (a client from before cursors) gets the newest lines, as then.
  std::optional<std::map<std::string, model::LogCursor>> from;
  if (joined) {
    BERTH_ASSIGN(auto parsed, model::parse_task_cursor(cursor));
    if (!cursor.empty() || since == 0) from = std::move(parsed);
    BERTH_ASSIGN(remote, logs_through_agent(ctx, *task, container, from, max_text_bytes));
  } else if (!ctx.logs) {
    return fail(Code::server, "this berth has no local agent, so no container logs");
  }
  Json events = Json::array();
  Json unkept = Json::object();  // container → its driver, whose output is not kept here
  for (const auto& c : task->containers) {
    if (!container.empty() && c.name != container) continue;
    if (!joined) {
      if (auto driver = unkept_log_driver(ctx, *task, c.name)) unkept[c.name] = *driver;
    }
    const std::string runtime_id = task->id + "-" + c.name;
    Json lines = joined ? remote.logs[runtime_id] : ctx.logs->read(runtime_id);
    // An awslogs container on this gateway reads as `aws logs get-log-events` does, and back past
    // what the shim's rotated file still holds.
    if (!joined) {
      if (auto stored = awslogs_container_lines(ctx, *task, c, lines, k_max_store_bytes)) lines = std::move(*stored);
    }
    // json-file's attrs, as Docker's lines carry them (a joined gateway's agent sends none).
    const Json attrs = joined ? Json::object() : ctx.logs->attributes(runtime_id);
    for (const auto& line : lines) {
      Json event = line;
      event["container"] = c.name;
      if (!attrs.empty()) event["attrs"] = attrs;
      events.push_back(std::move(event));
    }
  }
  if (!container.empty() && !task->container(container)) {
    return fail(Code::invalid_parameter, "Task " + *id + " has no container named '" + container + "'.");
  }
  Json names = Json::array();
  for (const auto& c : task->containers) names.push_back(c.name);
  Json out{{"events", Json::array()}, {"taskStatus", model::to_wire(task->last_status)}, {"containers", names}};
  if (!unkept.empty()) out["unkeptLogs"] = std::move(unkept);
  // The agent answered from the cursors: all it sent is new and within the bound, and the cursors
  // after it are the reply's (an agent from before cursors sends none: read by `since` below).
  if (from && !remote.cursors.empty()) {
    for (const auto& c : task->containers) {
      const auto found = remote.cursors.find(task->id + "-" + c.name);
      if (found != remote.cursors.end()) (*from)[c.name] = found->second;
    }
    out["events"] = std::move(events);
    out["next"] = since + out["events"].size();
    out["more"] = !remote.more.empty();
    out["cursor"] = model::task_cursor_text(*from);
    return out;
  }
  std::size_t next = since;
  for (std::size_t text_bytes = 0; next < events.size(); ++next) {
    text_bytes += events[next].value("text", "").size();
    if (text_bytes > max_text_bytes && next > since) break;
    out["events"].push_back(std::move(events[next]));
  }
  out["next"] = std::min(next, events.size());
  out["more"] = next < events.size();
  return out;
}

}  // namespace berth::svc
