// Container logs of a task, for the REST endpoint device apps and `berth logs` read.
#include "svc/logs.hpp"

#include <algorithm>

#include "svc/actions.hpp"

namespace berth::svc {

Result<Json> task_logs(Context& ctx, const std::string& cluster_id, const std::string& task_text,
                       const std::string& container, std::size_t since, std::size_t max_text_bytes) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, Json{{"cluster", cluster_id.empty() ? ctx.default_cluster : cluster_id}}));
  const auto id = resource_id_of(ctx, cluster, "task", task_text);
  if (!id) return fail(Code::invalid_parameter, "'" + task_text + "' is not a task ARN of cluster " + cluster + ".");
  BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, *id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  if (!ctx.logs) return fail(Code::server, "this berth has no local agent, so no container logs");
  Json events = Json::array();
  for (const auto& c : task->containers) {
    if (!container.empty() && c.name != container) continue;
    const Json lines = ctx.logs->read(task->id + "-" + c.name);
    for (const auto& line : lines) {
      Json event = line;
      event["container"] = c.name;
      events.push_back(std::move(event));
    }
  }
  if (!container.empty() && !task->container(container)) {
    return fail(Code::invalid_parameter, "Task " + *id + " has no container named '" + container + "'.");
  }
  Json names = Json::array();
  for (const auto& c : task->containers) names.push_back(c.name);
  Json out{{"events", Json::array()}, {"taskStatus", model::to_wire(task->last_status)}, {"containers", names}};
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
