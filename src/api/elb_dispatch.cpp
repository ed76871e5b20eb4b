#include "api/elb_dispatch.hpp"

#include <map>

#include "api/elb_codecs.hpp"
#include "api/http_target.hpp"
#include "api/query_form.hpp"
#include "api/query_xml.hpp"
#include "common/ids.hpp"

namespace berth::api {
namespace {

using svc::Context;

Json list_of(const auto& items, auto encode) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(encode(item));
  return out;
}

Result<Json> create_load_balancer(Context& ctx, const Json& r) {
  svc::CreateLoadBalancerRequest request;
  BERTH_ASSIGN(request.name, elb_required(r, "Name"));
  BERTH_ASSIGN(const auto type, elb_string(r, "Type"));
  if (type == "network") {
    request.type = model::LbType::network;
  } else if (!type.empty() && type != "application") {
    return fail(Code::validation, "berth's load balancers are of type network or application, not '" + type + "'.");
  }
  BERTH_ASSIGN(const auto scheme, elb_string(r, "Scheme"));
  if (!scheme.empty()) request.scheme = scheme;
  BERTH_ASSIGN(const auto lb, svc::create_load_balancer(ctx, request));
  return Json{{"LoadBalancers", Json::array({encode_load_balancer(lb)})}};
}

Result<Json> describe_load_balancers(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arns, elb_strings(r, "LoadBalancerArns"));
  BERTH_ASSIGN(const auto names, elb_strings(r, "Names"));
  BERTH_ASSIGN(const auto lbs, svc::describe_load_balancers(ctx, arns, names));
  return Json{{"LoadBalancers", list_of(lbs, encode_load_balancer)}};
}

Result<Json> delete_load_balancer(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "LoadBalancerArn"));
  BERTH_TRY(svc::delete_load_balancer(ctx, arn));
  return Json::object();
}

Result<Json> create_target_group(Context& ctx, const Json& r) {
  BERTH_ASSIGN(auto wanted, decode_target_group(r));
  BERTH_ASSIGN(const auto tg, svc::create_target_group(ctx, std::move(wanted)));
  return Json{{"TargetGroups", Json::array({encode_target_group({tg, {}})})}};
}

Result<Json> describe_target_groups(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arns, elb_strings(r, "TargetGroupArns"));
  BERTH_ASSIGN(const auto names, elb_strings(r, "Names"));
  BERTH_ASSIGN(const auto lb, elb_string(r, "LoadBalancerArn"));
  BERTH_ASSIGN(const auto groups, svc::describe_target_groups(ctx, arns, names, lb));
  return Json{{"TargetGroups", list_of(groups, encode_target_group)}};
}

Result<Json> delete_target_group(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  BERTH_TRY(svc::delete_target_group(ctx, arn));
  return Json::object();
}

Result<Json> modify_target_group_attributes(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  std::vector<std::pair<std::string, std::string>> attributes;
  if (r.contains("Attributes") && r["Attributes"].is_array()) {
    for (const Json& item : r["Attributes"]) {
      if (!item.is_object()) continue;
      BERTH_ASSIGN(auto key, elb_required(item, "Key"));
      BERTH_ASSIGN(auto value, elb_string(item, "Value"));
      attributes.emplace_back(std::move(key), std::move(value));
    }
  }
  BERTH_ASSIGN(const auto now, svc::modify_target_group_attributes(ctx, arn, attributes));
  return Json{{"Attributes", encode_attributes(now)}};
}

Result<Json> describe_target_group_attributes(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  BERTH_ASSIGN(const auto attributes, svc::describe_target_group_attributes(ctx, arn));
  return Json{{"Attributes", encode_attributes(attributes)}};
}

Result<Json> create_listener(Context& ctx, const Json& r) {
  svc::CreateListenerRequest request;
  BERTH_ASSIGN(request.load_balancer_arn, elb_required(r, "LoadBalancerArn"));
  BERTH_ASSIGN(request.protocol, elb_required(r, "Protocol"));
  BERTH_ASSIGN(const auto port, elb_int(r, "Port"));
  if (!port) return fail(Code::validation, "A listener needs its Port.");
  request.port = *port;
  BERTH_ASSIGN(request.default_target_group_arn, elb_forward_target(r, "DefaultActions"));
  BERTH_ASSIGN(const auto listener, svc::create_listener(ctx, request));
  return Json{{"Listeners", Json::array({encode_listener(listener)})}};
}

Result<Json> describe_listeners(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto lb, elb_string(r, "LoadBalancerArn"));
  BERTH_ASSIGN(const auto arns, elb_strings(r, "ListenerArns"));
  BERTH_ASSIGN(const auto listeners, svc::describe_listeners(ctx, lb, arns));
  return Json{{"Listeners", list_of(listeners, encode_listener)}};
}

Result<Json> delete_listener(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "ListenerArn"));
  BERTH_TRY(svc::delete_listener(ctx, arn));
  return Json::object();
}

Result<Json> create_rule(Context& ctx, const Json& r) {
  model::ListenerRule wanted;
  BERTH_ASSIGN(wanted.listener_arn, elb_required(r, "ListenerArn"));
  BERTH_ASSIGN(const auto priority, elb_int(r, "Priority"));
  if (!priority) return fail(Code::validation, "A rule needs its Priority.");
  wanted.priority = *priority;
  BERTH_ASSIGN(wanted.conditions, elb_conditions(r));
  BERTH_ASSIGN(wanted.target_group_arn, elb_forward_target(r, "Actions"));
  BERTH_ASSIGN(const auto rule, svc::create_rule(ctx, std::move(wanted)));
  return Json{{"Rules", Json::array({encode_rule(rule)})}};
}

Result<Json> describe_rules(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto listener, elb_string(r, "ListenerArn"));
  BERTH_ASSIGN(const auto arns, elb_strings(r, "RuleArns"));
  BERTH_ASSIGN(const auto rules, svc::describe_rules(ctx, listener, arns));
  return Json{{"Rules", list_of(rules, encode_rule)}};
}

Result<Json> delete_rule(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "RuleArn"));
  BERTH_TRY(svc::delete_rule(ctx, arn));
  return Json::object();
}

Result<Json> register_targets(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  BERTH_ASSIGN(const auto targets, elb_targets(r, true));
  BERTH_TRY(svc::register_targets(ctx, arn, targets));
  return Json::object();
}

Result<Json> deregister_targets(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  BERTH_ASSIGN(const auto targets, elb_targets(r, true));
  BERTH_TRY(svc::deregister_targets(ctx, arn, targets));
  return Json::object();
}

Result<Json> describe_target_health(Context& ctx, const Json& r) {
  BERTH_ASSIGN(const auto arn, elb_required(r, "TargetGroupArn"));
  BERTH_ASSIGN(const auto targets, elb_targets(r, false));
  BERTH_ASSIGN(const auto health, svc::describe_target_health(ctx, arn, targets));
  return Json{{"TargetHealthDescriptions", list_of(health, encode_target_health)}};
}

UseCase find_use_case(std::string_view action) {
  static const std::map<std::string, UseCase, std::less<>> k_use_cases = {
      {"CreateLoadBalancer", create_load_balancer},
      {"DescribeLoadBalancers", describe_load_balancers},
      {"DeleteLoadBalancer", delete_load_balancer},
      {"CreateTargetGroup", create_target_group},
      {"DescribeTargetGroups", describe_target_groups},
      {"DeleteTargetGroup", delete_target_group},
      {"ModifyTargetGroupAttributes", modify_target_group_attributes},
      {"DescribeTargetGroupAttributes", describe_target_group_attributes},
      {"CreateListener", create_listener},
      {"DescribeListeners", describe_listeners},
      {"DeleteListener", delete_listener},
      {"CreateRule", create_rule},
      {"DescribeRules", describe_rules},
      {"DeleteRule", delete_rule},
      {"RegisterTargets", register_targets},
      {"DeregisterTargets", deregister_targets},
      {"DescribeTargetHealth", describe_target_health},
  };
  const auto it = k_use_cases.find(action);
  return it == k_use_cases.end() ? nullptr : it->second;
}

// ELBv2's name for an error berth's Code does not name itself.
std::string_view elb_code_name(Code code) {
  switch (code) {
    case Code::invalid_parameter:
    case Code::validation:
    case Code::serialization: return "ValidationError";
    case Code::unknown_operation: return "InvalidAction";
    case Code::resource_in_use: return "ResourceInUse";
    case Code::limit_exceeded: return "TooManyLoadBalancers";
    case Code::server: return "InternalFailure";
    default: return code_name(code);
  }
}

}  // namespace

bool is_elb_request(std::string_view content_type, std::string_view body) {
  if (!content_type.starts_with("application/x-www-form-urlencoded")) return false;
  const auto form = parse_target("/?" + std::string(body));
  const auto version = form.query.find("Version");
  return version != form.query.end() && version->second == k_elb_version;
}

std::string elb_action_of(std::string_view body) {
  const auto form = parse_target("/?" + std::string(body));
  const auto action = form.query.find("Action");
  return action == form.query.end() ? "" : action->second;
}

Reply elb_error(const Error& error) {
  const int status = error.code == Code::server ? 500 : 400;
  const std::string code(elb_code_name(error.code));
  return Reply{status, to_wire({{"__type", code}, {"message", error.message}}), code};
}

Decoded decode_elb_request(std::string_view body) {
  auto request = parse_query_form(body);
  if (!request) return std::unexpected(elb_error(request.error()));
  const std::string action = request->value("Action", "");
  const UseCase use_case = find_use_case(action);
  if (!use_case) {
    return std::unexpected(elb_error({Code::unknown_operation, "berth does not support the Elastic Load Balancing "
                                                               "operation '" + action + "'"}));
  }
  request->erase("Action");
  request->erase("Version");
  return DecodedCall{action, use_case, std::move(*request), elb_error};
}

HttpResponse elb_response(std::string_view action, const Reply& reply) {
  const std::string request_id = random_uuid();
  const Json body = Json::parse(reply.body, nullptr, false);
  HttpResponse response;
  response.status = reply.status;
  response.content_type = "text/xml";
  response.headers.push_back({"x-amzn-RequestId", request_id});
  if (reply.status == 200) {
    response.body = query_xml_reply(action, k_elb_xmlns, body.is_discarded() ? Json::object() : body, request_id);
    return response;
  }
  const std::string code = body.is_object() ? body.value("__type", reply.error_type) : reply.error_type;
  const std::string message = body.is_object() ? body.value("message", "") : reply.body;
  response.body = query_xml_error(k_elb_xmlns, reply.status < 500, code, message, request_id);
  return response;
}

}  // namespace berth::api
