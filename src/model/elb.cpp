#include "model/elb.hpp"

#include "common/ascii.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"
#include "common/wildcard.hpp"

namespace berth::model {
namespace {

// Reads member `key` of a stored record, or fails naming it: records are berth's own, so a
// missing member is a damaged database, not bad input.
template <class T>
Result<T> member(const Json& record, const char* key) {
  if (!record.is_object() || !record.contains(key)) return fail(Code::server, std::string("stored ELB record lacks ") + key);
  const Json& value = record[key];
  if constexpr (std::is_same_v<T, std::string>) {
    if (value.is_string()) return value.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (value.is_boolean()) return value.get<bool>();
  } else {
    if (value.is_number_integer()) return value.get<T>();
  }
  return fail(Code::server, std::string("stored ELB record has a bad ") + key);
}

}  // namespace

std::string_view lb_type_name(LbType type) { return type == LbType::network ? "network" : "application"; }

Json to_record(const LoadBalancer& lb) {
  return {{"arn", lb.arn}, {"name", lb.name}, {"type", lb_type_name(lb.type)}, {"scheme", lb.scheme},
          {"ipAddressType", lb.ip_address_type}, {"createdAt", lb.created_at}};
}

Json to_record(const TargetGroup& tg) {
  const HealthCheck& h = tg.health;
  return {{"arn", tg.arn}, {"name", tg.name}, {"protocol", tg.protocol}, {"port", tg.port}, {"vpcId", tg.vpc_id},
          {"targetType", tg.target_type}, {"deregistrationDelay", tg.deregistration_delay_seconds},
          {"createdAt", tg.created_at},
          {"health", {{"protocol", h.protocol}, {"port", h.port}, {"path", h.path}, {"interval", h.interval_seconds},
                      {"timeout", h.timeout_seconds}, {"healthy", h.healthy_threshold},
                      {"unhealthy", h.unhealthy_threshold}, {"matcher", h.matcher}, {"enabled", h.enabled}}}};
}

Json to_record(const Listener& l) {
  return {{"arn", l.arn}, {"loadBalancerArn", l.load_balancer_arn}, {"protocol", l.protocol}, {"port", l.port},
          {"defaultTargetGroupArn", l.default_target_group_arn}};
}

Json to_record(const ListenerRule& r) {
  Json conditions = Json::array();
  for (const auto& c : r.conditions) conditions.push_back({{"field", c.field}, {"values", c.values}});
  return {{"arn", r.arn}, {"listenerArn", r.listener_arn}, {"priority", r.priority}, {"conditions", conditions},
          {"targetGroupArn", r.target_group_arn}};
}

Json to_record(const Target& t) { return {{"targetGroupArn", t.target_group_arn}, {"id", t.id}, {"port", t.port}}; }

Result<LoadBalancer> load_balancer_from_record(const Json& r) {
  LoadBalancer lb;
  BERTH_ASSIGN(lb.arn, member<std::string>(r, "arn"));
  BERTH_ASSIGN(lb.name, member<std::string>(r, "name"));
  BERTH_ASSIGN(const std::string type, member<std::string>(r, "type"));
  lb.type = type == "application" ? LbType::application : LbType::network;
  BERTH_ASSIGN(lb.scheme, member<std::string>(r, "scheme"));
  BERTH_ASSIGN(lb.ip_address_type, member<std::string>(r, "ipAddressType"));
  BERTH_ASSIGN(lb.created_at, member<EpochMs>(r, "createdAt"));
  return lb;
}

Result<TargetGroup> target_group_from_record(const Json& r) {
  TargetGroup tg;
  BERTH_ASSIGN(tg.arn, member<std::string>(r, "arn"));
  BERTH_ASSIGN(tg.name, member<std::string>(r, "name"));
  BERTH_ASSIGN(tg.protocol, member<std::string>(r, "protocol"));
  BERTH_ASSIGN(tg.port, member<int>(r, "port"));
  BERTH_ASSIGN(tg.vpc_id, member<std::string>(r, "vpcId"));
  BERTH_ASSIGN(tg.target_type, member<std::string>(r, "targetType"));
  BERTH_ASSIGN(tg.deregistration_delay_seconds, member<int>(r, "deregistrationDelay"));
  BERTH_ASSIGN(tg.created_at, member<EpochMs>(r, "createdAt"));
  if (!r.contains("health")) return fail(Code::server, "stored ELB record lacks health");
  const Json& h = r["health"];
  BERTH_ASSIGN(tg.health.protocol, member<std::string>(h, "protocol"));
  BERTH_ASSIGN(tg.health.port, member<std::string>(h, "port"));
  BERTH_ASSIGN(tg.health.path, member<std::string>(h, "path"));
  BERTH_ASSIGN(tg.health.interval_seconds, member<int>(h, "interval"));
  BERTH_ASSIGN(tg.health.timeout_seconds, member<int>(h, "timeout"));
  BERTH_ASSIGN(tg.health.healthy_threshold, member<int>(h, "healthy"));
  BERTH_ASSIGN(tg.health.unhealthy_threshold, member<int>(h, "unhealthy"));
  BERTH_ASSIGN(tg.health.matcher, member<std::string>(h, "matcher"));
  BERTH_ASSIGN(tg.health.enabled, member<bool>(h, "enabled"));
  return tg;
}

Result<Listener> listener_from_record(const Json& r) {
  Listener l;
  BERTH_ASSIGN(l.arn, member<std::string>(r, "arn"));
  BERTH_ASSIGN(l.load_balancer_arn, member<std::string>(r, "loadBalancerArn"));
  BERTH_ASSIGN(l.protocol, member<std::string>(r, "protocol"));
  BERTH_ASSIGN(l.port, member<int>(r, "port"));
  BERTH_ASSIGN(l.default_target_group_arn, member<std::string>(r, "defaultTargetGroupArn"));
  return l;
}

Result<ListenerRule> rule_from_record(const Json& r) {
  ListenerRule rule;
  BERTH_ASSIGN(rule.arn, member<std::string>(r, "arn"));
  BERTH_ASSIGN(rule.listener_arn, member<std::string>(r, "listenerArn"));
  BERTH_ASSIGN(rule.priority, member<int>(r, "priority"));
  BERTH_ASSIGN(rule.target_group_arn, member<std::string>(r, "targetGroupArn"));
  if (!r.contains("conditions") || !r["conditions"].is_array()) return fail(Code::server, "stored ELB rule lacks conditions");
  for (const Json& c : r["conditions"]) {
    RuleCondition condition;
    BERTH_ASSIGN(condition.field, member<std::string>(c, "field"));
    if (!c.contains("values") || !c["values"].is_array()) return fail(Code::server, "stored ELB rule has bad values");
    for (const Json& v : c["values"]) {
      if (!v.is_string()) return fail(Code::server, "stored ELB rule has bad values");
      condition.values.push_back(v.get<std::string>());
    }
    rule.conditions.push_back(std::move(condition));
  }
  return rule;
}

Result<Target> target_from_record(const Json& r) {
  Target t;
  BERTH_ASSIGN(t.target_group_arn, member<std::string>(r, "targetGroupArn"));
  BERTH_ASSIGN(t.id, member<std::string>(r, "id"));
  BERTH_ASSIGN(t.port, member<int>(r, "port"));
  return t;
}

bool status_matches(std::string_view matcher, int status) {
  for (const std::string_view part : split(matcher, ',')) {
    const auto dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (parse_integer<int>(trim(part)) == status) return true;
      continue;
    }
    const auto low = parse_integer<int>(trim(part.substr(0, dash)));
    const auto high = parse_integer<int>(trim(part.substr(dash + 1)));
    if (low && high && *low <= status && status <= *high) return true;
  }
  return false;
}

bool valid_matcher(std::string_view matcher) {
  if (matcher.empty() || matcher.size() > 64) return false;
  for (const std::string_view part : split(matcher, ',')) {
    const auto dash = part.find('-');
    const auto low = parse_integer_in<int>(part.substr(0, dash), 200, 499);
    if (!low) return false;
    if (dash != std::string_view::npos) {
      const auto high = parse_integer_in<int>(part.substr(dash + 1), 200, 499);
      if (!high || *high < *low) return false;
    }
  }
  return true;
}

bool rule_matches(const ListenerRule& rule, std::string_view host, std::string_view path) {
  for (const RuleCondition& condition : rule.conditions) {
    const bool is_host = condition.field == "host-header";
    const std::string_view subject = is_host ? host : path;
    bool any = false;
    for (const std::string& value : condition.values) {
      if (wildcard_match(value, subject, is_host ? Case::insensitive : Case::sensitive)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

const std::string& route_request(const Listener& listener, const std::vector<ListenerRule>& rules_by_priority,
                                 std::string_view host, std::string_view path) {
  for (const ListenerRule& rule : rules_by_priority) {
    if (rule.listener_arn == listener.arn && rule_matches(rule, host, path)) return rule.target_group_arn;
  }
  return listener.default_target_group_arn;
}

}  // namespace berth::model
