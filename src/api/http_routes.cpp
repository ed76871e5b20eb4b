#include "api/http_routes.hpp"

#include "api/audit_log.hpp"
#include "api/auth/request_resources.hpp"
#include "api/cloudwatch_dispatch.hpp"
#include "api/cluster_dispatch.hpp"
#include "api/elb_dispatch.hpp"
#include "api/image_routes.hpp"
#include "api/keys_dispatch.hpp"
#include "api/logs_dispatch.hpp"
#include "api/metrics_routes.hpp"
#include "api/relay_routes.hpp"
#include "api/scaling_dispatch.hpp"
#include "api/scheduler_dispatch.hpp"
#include "api/secrets_dispatch.hpp"
#include "api/service_discovery_dispatch.hpp"
#include "api/ui_routes.hpp"
#include "api/ui_streams.hpp"
#include "common/numbers.hpp"
#include "model/execute_command.hpp"
#include "svc/execute_command.hpp"
#include "svc/logs.hpp"

namespace berth::api {
namespace {

// A logs reply carries at most this much container output; `more` says to ask again at `next`.
constexpr std::size_t k_max_logs_reply_text = 1 << 20;

// The JSON 1.1 APIs, told apart by their X-Amz-Target prefix; the first is the default.
struct JsonApi {
  std::string_view target_prefix;
  std::string_view signing_name;  // what a client signs for (SigV4's service)
  std::string_view iam_prefix;    // what policies name ("ecs:RunTask")
  Decoded (*decode)(std::string_view target, std::string_view body);
};
// ECS, Secrets Manager, SSM, CloudWatch (JSON 1.0), CloudWatch Logs, Application Auto Scaling,
// Cloud Map, berth's key API and its cluster API share the endpoint: X-Amz-Target tells them apart.
constexpr JsonApi k_json_apis[] = {
    {k_target_prefix, "ecs", "ecs", decode_ecs_request},
    {k_secrets_manager_target_prefix, "secretsmanager", "secretsmanager", decode_secrets_manager_request},
    {k_ssm_target_prefix, "ssm", "ssm", decode_ssm_request},
    {k_logs_target_prefix, "logs", "logs", decode_logs_request},
    {k_scaling_target_prefix, "application-autoscaling", "application-autoscaling", decode_scaling_request},
    {k_keys_target_prefix, "berth", "iam", decode_keys_request},
    {k_cluster_target_prefix, "berth", "berth", decode_cluster_request},
    {k_cloudwatch_target_prefix, k_cloudwatch_signing_name, k_cloudwatch_iam_prefix, decode_cloudwatch_json_request},
    {k_service_discovery_target_prefix, k_service_discovery_name, k_service_discovery_name,
     decode_service_discovery_request},
};
constexpr std::string_view k_scheduler = "scheduler";

// Writes what a mutating call did (or was refused) to the audit log.
void audit(ApiServices& api, const Caller& caller, const std::string& action,
           const std::vector<std::string>& resources, const Reply& reply) {
  if (!api.audit || !is_mutating(action)) return;
  api.audit->record(AuditEntry{api.ctx.clock.now_ms(), caller.principal, action, resources,
                               reply.status == 200 ? "200" : reply.error_type});
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

// The use case learns who called (ECS's "authenticated user") from its own copy of the context.
svc::Context context_for(ApiServices& api, const Caller& caller) {
  svc::Context request_ctx = api.ctx;
  request_ctx.caller_arn = "arn:aws:iam::" + api.ctx.arns.account + ":user/" + caller.user_name;
  return request_ctx;
}

// Authorizes `call` for `caller`, runs it if allowed, and audits it if it changes anything.
Reply authorize_and_run(ApiServices& api, const Caller& caller, std::string_view signing_name,
                        std::string_view iam_prefix, const DecodedCall& call) {
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, iam_prefix, call.action, call.request);
  if (!access) return call.to_error(access.error());
  Reply reply;
  if (auto denied = api.auth.authorize(caller, signing_name, *access)) {
    reply = auth_error_reply(*denied);
  } else {
    svc::Context request_ctx = context_for(api, caller);
    reply = run_call(request_ctx, call);
  }
  audit(api, caller, access->action, access->resources, reply);
  return reply;
}

// `call` authorized, then run off the worker: its reply comes when its use case gives it (a
// parked poll's, when its instance's tasks change or its wait ends). Only reads are deferred, so
// nothing is audited.
HttpResponse deferred_call(ApiServices& api, const Caller& caller, const JsonApi& json_api, DecodedCall call) {
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, json_api.iam_prefix, call.action, call.request);
  if (!access) return to_response(call.to_error(access.error()));
  if (auto denied = api.auth.authorize(caller, json_api.signing_name, *access)) {
    return to_response(auth_error_reply(*denied));
  }
  HttpResponse response;
  response.defer = [request_ctx = context_for(api, caller), call = std::move(call)](ReplyWriter write) mutable {
    run_deferred_call(request_ctx, call, [write = std::move(write)](Reply reply) { write(to_response(reply)); });
  };
  return response;
}

HttpResponse json_api(ApiServices& api, const Caller& caller, const HttpRequest& request) {
  const std::string_view target = request.header("x-amz-target");
  const JsonApi* chosen = &k_json_apis[0];
  for (const auto& json_api : k_json_apis) {
    if (target.starts_with(json_api.target_prefix)) chosen = &json_api;
  }
  auto call = chosen->decode(target, request.body);
  if (call && call->deferred) return deferred_call(api, caller, *chosen, std::move(*call));
  const Reply reply = call ? authorize_and_run(api, caller, chosen->signing_name, chosen->iam_prefix, *call) : call.error();
  // CloudWatch answers JSON 1.0 with its query error codes.
  if (chosen->target_prefix == k_cloudwatch_target_prefix) return cloudwatch_response(reply, CloudWatchProtocol::json);
  return to_response(reply);
}

// Whether `request` is an ELBv2 query request (a form POST without X-Amz-Target).
bool is_elb(const HttpRequest& request) {
  return request.method == "POST" && !request.has_header("x-amz-target") &&
         is_elb_request(request.header("content-type"), request.body);
}

// Elastic Load Balancing v2: AWS's query protocol, answered in XML.
HttpResponse elb_api(ApiServices& api, const Caller& caller, const HttpRequest& request) {
  auto call = decode_elb_request(request.body);
  const Reply reply = call ? authorize_and_run(api, caller, k_elb_signing_name, k_elb_signing_name, *call) : call.error();
  return elb_response(call ? call->action : elb_action_of(request.body), reply);
}

// CloudWatch in Smithy RPC v2 CBOR: the operation is in the path.
HttpResponse cloudwatch_cbor(ApiServices& api, const Caller& caller, const HttpRequest& request,
                             std::string_view operation) {
  auto call = decode_cloudwatch_request(CloudWatchProtocol::cbor, operation, request.body);
  const Reply reply =
      call ? authorize_and_run(api, caller, k_cloudwatch_signing_name, k_cloudwatch_iam_prefix, *call) : call.error();
  return cloudwatch_response(reply, CloudWatchProtocol::cbor);
}

// The CloudWatch operation a CBOR request names; an X-Amz-Target makes it a JSON request.
std::optional<std::string_view> cbor_operation(const HttpRequest& request, const std::string& path) {
  if (request.method != "POST" || request.has_header("x-amz-target")) return std::nullopt;
  return cloudwatch_cbor_operation(path);
}

HttpResponse scheduler(ApiServices& api, const Caller& caller, std::string_view action, const HttpRequest& request,
                       const RequestTarget& target, const std::string& name,
                       std::initializer_list<std::pair<const char*, const char*>> query_members,
                       const char* path_member = "Name") {
  model::Json members = model::Json::object();
  if (!name.empty()) members[path_member] = name;
  for (const auto& [query, member] : query_members) {
    if (const auto it = target.query.find(query); it != target.query.end()) members[member] = it->second;
  }
  auto call = decode_scheduler_request(action, members, request.body);
  const Reply reply = call ? authorize_and_run(api, caller, k_scheduler, k_scheduler, *call) : call.error();
  return to_response(reply, "application/json");
}

// UntagResource: its TagKeys come as a repeated query parameter.
HttpResponse scheduler_untag(ApiServices& api, const Caller& caller, const HttpRequest& request,
                             const RequestTarget& target, const std::string& arn) {
  model::Json members{{"ResourceArn", arn}, {"TagKeys", query_values(target, "TagKeys")}};
  auto call = decode_scheduler_request("UntagResource", members, request.body);
  const Reply reply = call ? authorize_and_run(api, caller, k_scheduler, k_scheduler, *call) : call.error();
  return to_response(reply, "application/json");
}

// The NAME of "<collection>/NAME" (one segment), if `path` is that.
std::optional<std::string> last_segment(const std::string& path, std::string_view collection) {
  if (!path.starts_with(collection) || path.size() <= collection.size() + 1 || path[collection.size()] != '/') {
    return std::nullopt;
  }
  if (path.find('/', collection.size() + 1) != std::string::npos) return std::nullopt;
  return path.substr(collection.size() + 1);
}

// Whether `path` is under one of the Scheduler's collections.
bool is_scheduler_path(std::string_view path) {
  for (const std::string_view collection : {"/schedules", "/schedule-groups", "/tags"}) {
    if (path == collection || (path.starts_with(collection) && path[collection.size()] == '/')) return true;
  }
  return false;
}

HttpResponse task_logs(ApiServices& api, const Caller& caller, const RequestTarget& target, const std::string& task) {
  svc::Context& ctx = api.ctx;
  const std::string cluster = query_value(target, "cluster");
  // The task as the use case resolves it (an old-form ARN names a task of `cluster`).
  model::Json members{{"task", task}};
  if (!cluster.empty()) members["cluster"] = cluster;
  const auth::RequestContext context{ctx.arns, ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, "berth", "GetTaskLogs", members);
  if (!access) return to_response(error_reply(access.error()));
  if (auto denied = api.auth.authorize(caller, "berth", *access)) return to_response(auth_error_reply(*denied));
  const std::string since_text = query_value(target, "since");
  const auto since = since_text.empty() ? std::optional<std::size_t>(0) : parse_integer<std::size_t>(since_text);
  if (!since) return to_response(error_reply({Code::invalid_parameter, "since must be a whole number."}));
  // The dashboard's live tail: the same lines, pushed as they come (api/ui_streams.hpp).
  if (query_value(target, "follow") == "1") {
    return log_tail_events(ctx, cluster, task, query_value(target, "container"), *since);
  }
  auto logs = svc::task_logs(ctx, cluster, task, query_value(target, "container"), *since, k_max_logs_reply_text,
                             query_value(target, "cursor"));
  if (!logs) return to_response(error_reply(logs.error()));
  return to_response(Reply{200, to_wire(*logs), ""}, "application/json");
}

// `berth exec`: a session on this unix-socket or TLS connection (SigV4-signed there), authorized
// as berth:ExecuteCommand on the task. Answered 101 and handed to the session's runner, or a
// JSON error reply. Plain TCP is refused: the session's frames would travel in the clear.
HttpResponse exec_session(ApiServices& api, const Caller& caller, const HttpRequest& request, const HttpPeer& peer) {
  if (request.header("upgrade") != k_exec_upgrade) {
    return to_response(error_reply({Code::client, "An exec session is opened by `berth exec` (Upgrade: berth-exec); "
                                                  "an API client runs a command with ExecuteCommand."}));
  }
  if (peer.transport == HttpPeer::Transport::tcp) {
    return to_response(error_reply({Code::client, "An exec session over the network needs TLS: use https:// (the "
                                                  "gateway's BERTH_TLS), or `berth exec` on the gateway itself."}));
  }
  auto body = model::decode_request_body(request.body, model::exec_session_shape());
  if (!body) return to_response(error_reply(body.error()));
  auto session = model::decode_exec_session(*body);
  if (!session) return to_response(error_reply(session.error()));
  svc::Context& ctx = api.ctx;
  model::Json members{{"task", session->task}};
  if (session->cluster) members["cluster"] = *session->cluster;
  const auth::RequestContext context{ctx.arns, ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, "berth", "ExecuteCommand", members);
  if (!access) return to_response(error_reply(access.error()));
  Reply refusal;
  if (auto denied = api.auth.authorize(caller, "berth", *access)) {
    refusal = auth_error_reply(*denied);
  } else if (auto handoff = svc::open_exec_session(ctx, *session); !handoff) {
    refusal = error_reply(handoff.error());
  } else {
    audit(api, caller, access->action, access->resources, Reply{200, "", ""});
    HttpResponse response{101, "", {{"Connection", "Upgrade"}, {"Upgrade", std::string(k_exec_upgrade)}}, ""};
    response.takeover = std::move(*handoff);
    return response;
  }
  audit(api, caller, access->action, access->resources, refusal);
  return to_response(refusal);
}

// Returns the IAM action a request names before it is decoded ("ecs:CreateCluster",
// "scheduler:DeleteSchedule"), or "" when it names none: what the audit log records for a request
// refused before anyone is known.
std::string claimed_action(const HttpRequest& request, const std::string& path) {
  const std::string_view target = request.header("x-amz-target");
  for (const auto& json_api : k_json_apis) {
    if (request.method == "POST" && target.starts_with(json_api.target_prefix)) {
      return std::string(json_api.iam_prefix) + ":" + std::string(target.substr(json_api.target_prefix.size()));
    }
  }
  if (const auto operation = cbor_operation(request, path)) {
    return std::string(k_cloudwatch_iam_prefix) + ":" + std::string(*operation);
  }
  if (is_elb(request)) return std::string(k_elb_signing_name) + ":" + elb_action_of(request.body);
  if (path.starts_with("/schedule-groups/")) {
    if (request.method == "POST") return "scheduler:CreateScheduleGroup";
    if (request.method == "DELETE") return "scheduler:DeleteScheduleGroup";
  }
  if (path.starts_with("/tags/")) {
    if (request.method == "POST") return "scheduler:TagResource";
    if (request.method == "DELETE") return "scheduler:UntagResource";
  }
  if (request.method == "POST" && path == k_exec_path) return "berth:ExecuteCommand";
  if (request.method == "POST" && path == model::k_relay_path) return "berth:ConnectRelaySession";
  if (!path.starts_with("/schedules/")) return "";
  if (request.method == "POST") return "scheduler:CreateSchedule";
  if (request.method == "PUT") return "scheduler:UpdateSchedule";
  if (request.method == "DELETE") return "scheduler:DeleteSchedule";
  return "";
}

// A node joining the cluster: its join token is its credential, so the request is not signed
// (the node has no key yet; joining makes it one). Audited by where it came from.
HttpResponse join_cluster(ApiServices& api, const HttpRequest& request, const HttpPeer& peer) {
  auto call = decode_cluster_request(request.header("x-amz-target"), request.body);
  const Reply reply = call ? run_call(api.ctx, *call) : call.error();
  const std::string who = peer.credentials ? "uid:" + std::to_string(peer.credentials->uid) : "join-token:" + peer.address;
  audit(api, Caller{who, "", "", nullptr}, "berth:JoinCluster", {}, reply);
  return to_response(reply);
}

}  // namespace

HttpResponse route_request(ApiServices& api, const HttpRequest& request, const HttpPeer& peer) {
  const RequestTarget target = parse_target(request.target);
  if (auto scrape = scrape_with_token(api, request, target)) return std::move(*scrape);
  // The dashboard's own files are public; the page signs its API requests like any client.
  if (auto ui = ui_route(request, target.path)) return std::move(*ui);
  if (request.method == "POST" && request.header("x-amz-target") == k_join_cluster_target) {
    return join_cluster(api, request, peer);
  }
  auto authenticated = api.auth.authenticate(request, peer);
  if (!authenticated) {
    const Reply reply = auth_error_reply(authenticated.error());
    // Refused attempts to change something are audited too, by who the transport says called.
    if (const std::string action = claimed_action(request, target.path); !action.empty()) {
      const std::string who = peer.credentials ? "uid:" + std::to_string(peer.credentials->uid)
                                               : "unauthenticated:" + peer.address;
      audit(api, Caller{who, "", "", nullptr}, action, {}, reply);
    }
    // A CBOR client cannot read a JSON error.
    if (cbor_operation(request, target.path)) return cloudwatch_response(reply, CloudWatchProtocol::cbor);
    if (is_elb(request)) return elb_response(elb_action_of(request.body), reply);
    return to_response(reply);
  }
  const Caller& caller = *authenticated;
  const std::string& path = target.path;
  const std::string_view method = request.method;
  const bool get = method == "GET" || method == "HEAD";

  // EventBridge Scheduler: /schedules and /schedules/{Name}.
  constexpr std::string_view schedules = "/schedules";
  if (path == schedules && get) {
    return scheduler(api, caller, "ListSchedules", request, target, "",
                     {{"ScheduleGroup", "GroupName"}, {"NamePrefix", "NamePrefix"}, {"State", "State"},
                      {"MaxResults", "MaxResults"}, {"NextToken", "NextToken"}});
  }
  if (const auto segment = last_segment(path, schedules)) {
    const std::string& name = *segment;
    if (get) return scheduler(api, caller, "GetSchedule", request, target, name, {{"groupName", "GroupName"}});
    // An ECS client whose --endpoint-url ends in /schedules/x still means ECS.
    if (method == "POST") {
      return request.has_header("x-amz-target") ? json_api(api, caller, request)
                                                : scheduler(api, caller, "CreateSchedule", request, target, name, {});
    }
    if (method == "PUT") return scheduler(api, caller, "UpdateSchedule", request, target, name, {});
    if (method == "DELETE") {
      return scheduler(api, caller, "DeleteSchedule", request, target, name,
                       {{"groupName", "GroupName"}, {"clientToken", "ClientToken"}});
    }
  }
  // Schedule groups: /schedule-groups and /schedule-groups/{Name}.
  constexpr std::string_view groups = "/schedule-groups";
  if (path == groups && get) {
    return scheduler(api, caller, "ListScheduleGroups", request, target, "",
                     {{"NamePrefix", "NamePrefix"}, {"MaxResults", "MaxResults"}, {"NextToken", "NextToken"}});
  }
  if (const auto name = last_segment(path, groups)) {
    if (get) return scheduler(api, caller, "GetScheduleGroup", request, target, *name, {});
    if (method == "POST" && !request.has_header("x-amz-target")) {
      return scheduler(api, caller, "CreateScheduleGroup", request, target, *name, {});
    }
    if (method == "DELETE") return scheduler(api, caller, "DeleteScheduleGroup", request, target, *name, {{"clientToken", "ClientToken"}});
  }
  // Scheduler's tags: /tags/{ResourceArn}, the ARN percent-encoded whole (its '/' included).
  constexpr std::string_view tags = "/tags/";
  if (path.starts_with(tags) && path.size() > tags.size()) {
    const std::string arn = path.substr(tags.size());
    if (get) return scheduler(api, caller, "ListTagsForResource", request, target, arn, {}, "ResourceArn");
    if (method == "POST" && !request.has_header("x-amz-target")) {
      return scheduler(api, caller, "TagResource", request, target, arn, {}, "ResourceArn");
    }
    if (method == "DELETE") return scheduler_untag(api, caller, request, target, arn);
  }
  if (!request.has_header("x-amz-target") && is_scheduler_path(path)) {
    return to_response(unknown_scheduler_route(method, path), "application/json");
  }
  if (const auto operation = cbor_operation(request, path)) return cloudwatch_cbor(api, caller, request, *operation);
  if (method == "POST" && path == k_exec_path && !request.has_header("x-amz-target")) {
    return exec_session(api, caller, request, peer);
  }
  if (method == "POST" && path == model::k_relay_path && !request.has_header("x-amz-target")) {
    return relay_connection(api, caller, request, peer);
  }
  if (is_elb(request)) return elb_api(api, caller, request);
  // Any path: an --endpoint-url with a path is used as-is by the AWS clients.
  if (method == "POST") return json_api(api, caller, request);
  // REST for device apps and `berth logs`: a task's container output.
  constexpr std::string_view tasks = "/v1/tasks/";
  constexpr std::string_view logs = "/logs";
  if (get && path.starts_with(tasks) && path.ends_with(logs) && path.size() > tasks.size() + logs.size()) {
    return task_logs(api, caller, target, path.substr(tasks.size(), path.size() - tasks.size() - logs.size()));
  }
  // The dashboard's change notices (api/ui_streams.hpp).
  if (get && path == k_events_path) return change_events(api, caller, target);
  // Metrics: Prometheus' scrape and the usage `berth stats` shows.
  if (get && path == "/metrics") return prometheus_metrics(api, caller);
  if (get && path == "/v1/stats") return container_stats(api, caller, target);
  // The node's images and pulls: the dashboard's images view.
  if (get && path == k_images_path) return image_listing(api, caller);
  const bool known_method = get || method == "PUT" || method == "DELETE";
  return not_found(known_method ? 404 : 405);
}

}  // namespace berth::api
