#include "api/http_routes.hpp"

#include <charconv>

#include "api/scheduler_dispatch.hpp"
#include "svc/logs.hpp"

namespace berth::api {
namespace {

// A logs reply carries at most this much container output; `more` says to ask again at `next`.
constexpr std::size_t k_max_logs_reply_text = 1 << 20;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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
  std::size_t since = 0;
  const auto [end, ec] = std::from_chars(since_text.data(), since_text.data() + since_text.size(), since);
  if (!since_text.empty() && (ec != std::errc() || end != since_text.data() + since_text.size())) {
    return to_response(error_reply({Code::invalid_parameter, "since must be a whole number."}));
  }
  auto logs = svc::task_logs(ctx, query_value(target, "cluster"), task, query_value(target, "container"), since,
                             k_max_logs_reply_text);
  if (!logs) return to_response(error_reply(logs.error()));
  return to_response(Reply{200, to_wire(*logs), ""}, "application/json");
}

}  // namespace

std::string percent_decode(std::string_view text, PlusIsSpace plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else if (text[i] == '+' && plus_is_space == PlusIsSpace::yes) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

RequestTarget parse_target(std::string_view target) {
  // absolute-form (a client speaking as to a proxy): the path starts after the authority.
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
    const auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  target = target.substr(0, target.find('#'));
  RequestTarget out;
  const auto question = target.find('?');
  out.path = percent_decode(target.substr(0, question), PlusIsSpace::no);
  std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty()) {
      out.query.emplace(percent_decode(pair.substr(0, eq), PlusIsSpace::yes),
                        eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), PlusIsSpace::yes));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

HttpResponse route_request(svc::Context& ctx, const HttpRequest& request) {
  const RequestTarget target = parse_target(request.target);
  const std::string& path = target.path;
  const std::string_view method = request.method;
  const bool get = method == "GET" || method == "HEAD";
  const auto ecs = [&] { return to_response(handle_ecs_request(ctx, request.header("x-amz-target"), request.body)); };

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
