#include "api/metadata_routes.hpp"

#include "api/dispatch.hpp"
#include "api/http_target.hpp"
#include "common/log.hpp"
#include "model/docker_stats.hpp"
#include "model/task_definition.hpp"
#include "model/task_metadata.hpp"
#include "svc/task_metadata.hpp"

namespace berth::api {
namespace {

enum class Route { container, task, container_stats, task_stats };

struct MetadataPath {
  std::string version;  // "v3" or "v4"
  std::string token;
  Route route = Route::container;
};

constexpr std::string_view k_content_type = "application/json";

// Returns what `path` asks for, or nothing for a path the endpoint does not serve.
std::optional<MetadataPath> parse_metadata_path(const std::string& path) {
  MetadataPath out;
  for (const char* version : {"v3", "v4"}) {
    if (path.starts_with(std::string("/") + version + "/")) out.version = version;
  }
  if (out.version.empty()) return std::nullopt;
  const std::string rest = path.substr(out.version.size() + 2);
  const auto slash = rest.find('/');
  out.token = rest.substr(0, slash);
  std::string suffix = slash == std::string::npos ? "" : rest.substr(slash);
  if (suffix.size() > 1 && suffix.ends_with('/')) suffix.pop_back();  // clients add a trailing slash
  if (suffix.empty() || suffix == "/") out.route = Route::container;
  else if (suffix == "/task") out.route = Route::task;
  else if (suffix == "/stats") out.route = Route::container_stats;
  else if (suffix == "/task/stats") out.route = Route::task_stats;
  else return std::nullopt;
  return out;
}

HttpResponse json_response(int status, const model::Json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(k_content_type);
  response.body = to_wire(body);
  return response;
}

// The ECS agent's answer to a token it does not know, per route.
HttpResponse unknown_token(const MetadataPath& path) {
  const bool task_route = path.route == Route::task || path.route == Route::task_stats;
  const char* handler = path.route == Route::container         ? "container metadata handler"
                        : path.route == Route::task            ? "task metadata handler"
                        : path.route == Route::container_stats ? "container stats handler"
                                                               : "task stats handler";
  std::string version = path.version;
  version[0] = 'V';
  const std::string reason = task_route ? "unable to get task arn from request: unable to get task Arn from v3 endpoint ID: "
                                        : "unable to get container ID from request: unable to get docker ID from v3 endpoint ID: ";
  return json_response(404, version + " " + handler + ": " + reason + path.token);
}

model::Json stats_json(const svc::ContainerReadings& readings, const model::TaskContainer& container,
                       const std::string& version) {
  model::Json stats = model::docker_stats_json(readings.latest.stats, readings.previous, container.runtime_id,
                                               container.runtime_id);
  if (version == "v3") stats.erase("network_rate_stats");  // a v4 addition
  return stats;
}

}  // namespace

bool metadata_caller_allowed(const HttpPeer& peer, model::NetworkMode mode, const model::Task& task) {
  if (peer.transport == HttpPeer::Transport::unix_socket) return false;
  if (peer.loopback) return mode == model::NetworkMode::host;
  if (mode != model::NetworkMode::bridge || task.last_status == model::TaskStatus::stopped) return false;
  for (const auto& c : task.containers) {
    for (const auto& i : c.network_interfaces) {
      if (!peer.address.empty() && i.value("privateIpv4Address", "") == peer.address) return true;
    }
  }
  return false;
}

HttpResponse route_metadata_request(MetadataServices& services, const HttpRequest& request, const HttpPeer& peer) {
  if (request.method != "GET" && request.method != "HEAD") return json_response(405, "Method not allowed");
  const auto path = parse_metadata_path(parse_target(request.target).path);
  if (!path) return json_response(404, "Not found");
  const auto task_id = MetadataTokens::task_id_of(path->token);
  if (!task_id) return unknown_token(*path);
  auto found = svc::find_task_with_definition(services.ctx, services.cluster, *task_id);
  if (!found) {
    log_warn("task metadata: " + found.error().message);
    return json_response(500, "Unable to read the task's metadata");
  }
  if (!*found) return unknown_token(*path);
  const model::Task& task = (*found)->task;
  const model::Json& definition = (*found)->definition;
  const model::TaskContainer* caller = nullptr;
  for (const auto& c : task.containers) {
    if (services.tokens.matches(path->token, task.id, model::container_arn_of(services.ctx.arns, task, c))) caller = &c;
  }
  if (!caller) return unknown_token(*path);
  if (!metadata_caller_allowed(peer, model::network_mode_of(definition), task)) {
    // Debug only: a container asking in a loop must not make berth write its log (flash wear).
    log_debug("task metadata: refused " + (peer.address.empty() ? std::string("a local socket") : peer.address) +
             " the metadata of task " + task.id + " (not the task's own address)");
    return unknown_token(*path);
  }
  const model::TaskMetadataSource source{task, definition, services.ctx.arns, services.availability_zone};
  const std::string task_arn = services.ctx.arns.task(task.cluster, task.id);
  switch (path->route) {
    case Route::container:
      return json_response(200, model::container_metadata_json(source, *caller));
    case Route::task:
      return json_response(200, model::task_metadata_json(source));
    case Route::container_stats: {
      const auto readings = svc::container_readings(services.ctx, task_arn, caller->name);
      if (!readings) return json_response(500, "Unable to get container stats for: " + caller->runtime_id);
      return json_response(200, stats_json(*readings, *caller, path->version));
    }
    case Route::task_stats: {
      model::Json out = model::Json::object();
      for (const auto& c : task.containers) {
        if (c.runtime_id.empty()) continue;  // never created: Docker would not know it either
        const auto readings = svc::container_readings(services.ctx, task_arn, c.name);
        out[c.runtime_id] = readings ? stats_json(*readings, c, path->version) : model::Json();
      }
      return json_response(200, out);
    }
  }
  return json_response(404, "Not found");
}

}  // namespace berth::api
