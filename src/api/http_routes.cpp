#include "api/http_routes.hpp"


#include "api/scheduler_dispatch.hpp"
#include "api/secrets_dispatch.hpp"
#include "svc/logs.hpp"
#include "common/numbers.hpp"

namespace berth::api {
namespace {

// A logs reply carries at most this much container output; `more` says to ask again at `next`.
constexpr std::size_t k_max_logs_reply_text = 1 << 20;

HttpResponse not_found(int status) {
  Reply reply = error_reply({Code::unknown_operation, "The ECS API takes POST requests."});
  reply.status = status;
  return to_response(reply);
}

std::string query_value(const RequestTarget& target, const std::string& name) {
  const auto it = target.query.find(name);
  return it == target.query.end() ? "" : it->second;
}

HttpResponse scheduler(svc::Context& ctx, std::string_view action, const HttpRequest& request,
                       const RequestTarget& target, const std::string& name,
                       std::initializer_list<std::pair<const char*, const char*>> query_members) {
  model::Json members = model::Json::object();
  if (!name.empty()) members["Name"] = name;
  for (const auto& [query, member] : query_members) {
    if (const auto it = target.query.find(query); it != target.query.end()) members[member] = it->second;
  }
  return to_response(handle_scheduler_request(ctx, action, members, request.body), "application/json");
}

HttpResponse task_logs(svc::Context& ctx, const RequestTarget& target, const std::string& task) {
  const std::string since_text = query_value(target, "since");
  const auto since = since_text.empty() ? std::optional<std::size_t>(0) : parse_integer<std::size_t>(since_text);
  if (!since) return to_response(error_reply({Code::invalid_parameter, "since must be a whole number."}));
  auto logs = svc::task_logs(ctx, query_value(target, "cluster"), task, query_value(target, "container"), *since,
                             k_max_logs_reply_text);
  if (!logs) return to_response(error_reply(logs.error()));
  return to_response(Reply{200, to_wire(*logs), ""}, "application/json");
}

}  // namespace

HttpResponse route_request(svc::Context& ctx, const HttpRequest& request) {
  const RequestTarget target = parse_target(request.target);
  const std::string& path = target.path;
  const std::string_view method = request.method;
  const bool get = method == "GET" || method == "HEAD";
  // ECS, Secrets Manager and SSM share the endpoint: X-Amz-Target tells them apart.
  const auto ecs = [&] {
    const std::string_view amz_target = request.header("x-amz-target");
    if (is_secrets_target(amz_target)) return to_response(handle_secrets_request(ctx, amz_target, request.body));
    return to_response(handle_ecs_request(ctx, amz_target, request.body));
  };

  // EventBridge Scheduler: /schedules and /schedules/{Name}.
  constexpr std::string_view schedules = "/schedules";
  if (path == schedules && get) {
    return scheduler(ctx, "ListSchedules", request, target, "",
                     {{"ScheduleGroup", "GroupName"}, {"NamePrefix", "NamePrefix"}, {"State", "State"},
                      {"MaxResults", "MaxResults"}, {"NextToken", "NextToken"}});
  }
  if (path.starts_with(schedules) && path.size() > schedules.size() + 1 && path[schedules.size()] == '/' &&
      path.find('/', schedules.size() + 1) == std::string::npos) {
    const std::string name = path.substr(schedules.size() + 1);
    if (get) return scheduler(ctx, "GetSchedule", request, target, name, {{"groupName", "GroupName"}});
    // An ECS client whose --endpoint-url ends in /schedules/x still means ECS.
    if (method == "POST") return request.has_header("x-amz-target") ? ecs() : scheduler(ctx, "CreateSchedule", request, target, name, {});
    if (method == "PUT") return scheduler(ctx, "UpdateSchedule", request, target, name, {});
    if (method == "DELETE") {
      return scheduler(ctx, "DeleteSchedule", request, target, name,
                       {{"groupName", "GroupName"}, {"clientToken", "ClientToken"}});
    }
  }
  // Any path: an --endpoint-url with a path is used as-is by the AWS clients.
  if (method == "POST") return ecs();
  // REST for device apps and `berth logs`: a task's container output.
  constexpr std::string_view tasks = "/v1/tasks/";
  constexpr std::string_view logs = "/logs";
  if (get && path.starts_with(tasks) && path.ends_with(logs) && path.size() > tasks.size() + logs.size()) {
    return task_logs(ctx, target, path.substr(tasks.size(), path.size() - tasks.size() - logs.size()));
  }
  const bool known_method = get || method == "PUT" || method == "DELETE";
  return not_found(known_method ? 404 : 405);
}

}  // namespace berth::api
