#include "api/elb_codecs.hpp"

#include <unistd.h>

#include "api/query_xml.hpp"
#include "common/numbers.hpp"

namespace berth::api {
namespace {

Result<const Json*> list_member(const Json& request, const char* key) {
  if (!request.contains(key)) return nullptr;
  const Json& value = request[key];
  if (!value.is_array()) return fail(Code::invalid_parameter, std::string(key) + " must be a list (" + key + ".member.N).");
  return &value;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

Json forward(const std::string& target_group_arn) {
  return Json::array({{{"Type", "forward"}, {"TargetGroupArn", target_group_arn}, {"Order", 1},
                       {"ForwardConfig", {{"TargetGroups", Json::array({{{"TargetGroupArn", target_group_arn}, {"Weight", 1}}})}}}}});
}

}  // namespace

Result<std::string> elb_string(const Json& request, const char* key) {
  if (!request.contains(key)) return std::string();
  if (!request[key].is_string()) return fail(Code::invalid_parameter, std::string(key) + " must be a single value.");
  return request[key].get<std::string>();
}

Result<std::string> elb_required(const Json& request, const char* key) {
  BERTH_ASSIGN(auto value, elb_string(request, key));
  if (value.empty()) return fail(Code::validation, std::string("1 validation error detected: Value null at '") + key +
                                                       "' failed to satisfy constraint: Member must not be null");
  return value;
}

Result<std::optional<int>> elb_int(const Json& request, const char* key) {
  BERTH_ASSIGN(const auto text, elb_string(request, key));
  if (text.empty()) return std::optional<int>();
  const auto value = parse_integer<int>(text);
  if (!value) return fail(Code::validation, std::string(key) + " must be a whole number, not '" + text + "'.");
  return std::optional<int>(*value);
}

Result<std::vector<std::string>> elb_strings(const Json& request, const char* key) {
  BERTH_ASSIGN(const Json* list, list_member(request, key));
  std::vector<std::string> out;
  if (!list) return out;
  for (const Json& item : *list) {
    if (item.is_null()) continue;
    if (!item.is_string()) return fail(Code::invalid_parameter, std::string(key) + " must hold values.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<model::Target>> elb_targets(const Json& request, bool port_required) {
  BERTH_ASSIGN(const Json* list, list_member(request, "Targets"));
  std::vector<model::Target> out;
  if (!list) return out;
  for (const Json& item : *list) {
    if (item.is_null()) continue;
    if (!item.is_object()) return fail(Code::invalid_parameter, "Targets.member.N must hold Id and Port.");
    model::Target target;
    BERTH_ASSIGN(target.id, elb_required(item, "Id"));
    BERTH_ASSIGN(const auto port, elb_int(item, "Port"));
    if (!port && port_required) {
      return fail(Code::validation, "berth's targets are host ports: each target needs its Port.");
    }
    target.port = port.value_or(0);
    out.push_back(std::move(target));
  }
  return out;
}

Result<std::string> elb_forward_target(const Json& request, const char* key) {
  BERTH_ASSIGN(const Json* list, list_member(request, key));
  if (!list || list->empty()) return fail(Code::validation, std::string(key) + " must hold one forward action.");
  const Json& action = (*list)[0];
  if (list->size() != 1 || !action.is_object()) {
    return fail(Code::validation, "berth takes one action: forward to a target group.");
  }
  BERTH_ASSIGN(const auto type, elb_string(action, "Type"));
  if (type != "forward") return fail(Code::validation, "berth takes forward actions only, not '" + type + "'.");
  BERTH_ASSIGN(auto arn, elb_string(action, "TargetGroupArn"));
  if (arn.empty() && action.contains("ForwardConfig")) {
    BERTH_ASSIGN(const Json* groups, list_member(action["ForwardConfig"], "TargetGroups"));
    if (groups && groups->size() == 1 && (*groups)[0].is_object()) {
      BERTH_ASSIGN(arn, elb_string((*groups)[0], "TargetGroupArn"));
    } else {
      return fail(Code::validation, "berth forwards to one target group (no weighted groups).");
    }
  }
  if (arn.empty()) return fail(Code::validation, "A forward action needs its TargetGroupArn.");
  return arn;
}

Result<model::TargetGroup> decode_target_group(const Json& request) {
  model::TargetGroup tg;
  BERTH_ASSIGN(tg.name, elb_required(request, "Name"));
  BERTH_ASSIGN(tg.protocol, elb_required(request, "Protocol"));
  BERTH_ASSIGN(const auto port, elb_int(request, "Port"));
  if (!port) return fail(Code::validation, "A target group of type instance needs its Port.");
  tg.port = *port;
  BERTH_ASSIGN(tg.vpc_id, elb_string(request, "VpcId"));
  BERTH_ASSIGN(const auto type, elb_string(request, "TargetType"));
  if (!type.empty()) tg.target_type = type;
  model::HealthCheck& h = tg.health;
  h.protocol = tg.protocol;
  if (tg.protocol == "HTTP") {
    h.interval_seconds = 30;
    h.timeout_seconds = 5;
    h.healthy_threshold = 5;
  } else {
    h.interval_seconds = 30;
    h.timeout_seconds = 10;
    h.healthy_threshold = 5;
    h.unhealthy_threshold = 2;
  }
  BERTH_ASSIGN(const auto protocol, elb_string(request, "HealthCheckProtocol"));
  if (!protocol.empty()) h.protocol = protocol;
  BERTH_ASSIGN(const auto check_port, elb_string(request, "HealthCheckPort"));
  if (!check_port.empty()) h.port = check_port;
  BERTH_ASSIGN(const auto path, elb_string(request, "HealthCheckPath"));
  if (!path.empty()) h.path = path;
  BERTH_ASSIGN(const auto enabled, elb_string(request, "HealthCheckEnabled"));
  if (!enabled.empty()) h.enabled = enabled == "true";
  const std::pair<const char*, int*> numbers[] = {{"HealthCheckIntervalSeconds", &h.interval_seconds},
                                                  {"HealthCheckTimeoutSeconds", &h.timeout_seconds},
                                                  {"HealthyThresholdCount", &h.healthy_threshold},
                                                  {"UnhealthyThresholdCount", &h.unhealthy_threshold}};
  for (const auto& [key, field] : numbers) {
    BERTH_ASSIGN(const auto value, elb_int(request, key));
    if (value) *field = *value;
  }
  if (request.contains("Matcher") && request["Matcher"].is_object()) {
    BERTH_ASSIGN(const auto code, elb_string(request["Matcher"], "HttpCode"));
    if (!code.empty()) h.matcher = code;
  }
  return tg;
}

Result<std::vector<model::RuleCondition>> elb_conditions(const Json& request) {
  BERTH_ASSIGN(const Json* list, list_member(request, "Conditions"));
  std::vector<model::RuleCondition> out;
  if (!list) return out;
  for (const Json& item : *list) {
    if (item.is_null()) continue;
    if (!item.is_object()) return fail(Code::invalid_parameter, "Conditions.member.N must hold Field and Values.");
    model::RuleCondition c;
    BERTH_ASSIGN(c.field, elb_required(item, "Field"));
    BERTH_ASSIGN(c.values, elb_strings(item, "Values"));
    // The newer form: PathPatternConfig.Values / HostHeaderConfig.Values.
    for (const char* config : {"PathPatternConfig", "HostHeaderConfig"}) {
      if (item.contains(config) && item[config].is_object()) {
        BERTH_ASSIGN(auto values, elb_strings(item[config], "Values"));
        c.values.insert(c.values.end(), values.begin(), values.end());
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

Json encode_load_balancer(const model::LoadBalancer& lb) {
  const std::string id = lb.arn.substr(lb.arn.rfind('/') + 1);
  return {{"LoadBalancerArn", lb.arn},
          {"DNSName", host_name()},
          {"CanonicalHostedZoneId", "berth"},
          {"CreatedTime", iso8601_ms(lb.created_at)},
          {"LoadBalancerName", lb.name},
          {"Scheme", lb.scheme},
          {"VpcId", "berth"},
          {"State", {{"Code", "active"}}},
          {"Type", std::string(model::lb_type_name(lb.type))},
          {"AvailabilityZones", Json::array()},
          {"IpAddressType", lb.ip_address_type}};
}

Json encode_target_group(const svc::TargetGroupView& view) {
  const model::TargetGroup& tg = view.group;
  const model::HealthCheck& h = tg.health;
  Json out{{"TargetGroupArn", tg.arn},
           {"TargetGroupName", tg.name},
           {"Protocol", tg.protocol},
           {"Port", tg.port},
           {"HealthCheckProtocol", h.protocol},
           {"HealthCheckPort", h.port},
           {"HealthCheckEnabled", h.enabled},
           {"HealthCheckIntervalSeconds", h.interval_seconds},
           {"HealthCheckTimeoutSeconds", h.timeout_seconds},
           {"HealthyThresholdCount", h.healthy_threshold},
           {"UnhealthyThresholdCount", h.unhealthy_threshold},
           {"LoadBalancerArns", view.load_balancer_arns},
           {"TargetType", tg.target_type},
           {"IpAddressType", "ipv4"}};
  if (!tg.vpc_id.empty()) out["VpcId"] = tg.vpc_id;
  if (h.protocol == "HTTP") {
    out["HealthCheckPath"] = h.path;
    out["Matcher"] = {{"HttpCode", h.matcher}};
  }
  return out;
}

Json encode_listener(const model::Listener& l) {
  return {{"ListenerArn", l.arn}, {"LoadBalancerArn", l.load_balancer_arn}, {"Port", l.port},
          {"Protocol", l.protocol}, {"DefaultActions", forward(l.default_target_group_arn)}};
}

Json encode_rule(const model::ListenerRule& r) {
  const bool is_default = r.priority == 0;
  Json conditions = Json::array();
  for (const auto& c : r.conditions) {
    Json condition{{"Field", c.field}, {"Values", c.values}};
    condition[c.field == "host-header" ? "HostHeaderConfig" : "PathPatternConfig"] = {{"Values", c.values}};
    conditions.push_back(std::move(condition));
  }
  return {{"RuleArn", r.arn}, {"Priority", is_default ? "default" : std::to_string(r.priority)},
          {"Conditions", conditions}, {"Actions", forward(r.target_group_arn)}, {"IsDefault", is_default}};
}

Json encode_target_health(const svc::TargetHealthView& v) {
  Json health{{"State", std::string(model::target_state_name(v.state))}};
  if (!v.reason.reason.empty()) {
    health["Reason"] = v.reason.reason;
    health["Description"] = v.reason.description;
  }
  return {{"Target", {{"Id", v.target.id}, {"Port", v.target.port}}}, {"HealthCheckPort", v.health_check_port},
          {"TargetHealth", health}};
}

Json encode_attributes(const std::vector<std::pair<std::string, std::string>>& attributes) {
  Json out = Json::array();
  for (const auto& [key, value] : attributes) out.push_back({{"Key", key}, {"Value", value}});
  return out;
}

}  // namespace berth::api
