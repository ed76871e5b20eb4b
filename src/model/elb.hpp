// Elastic Load Balancing v2 as berth keeps it: load balancers, target groups, listeners, rules
// and targets (plain values), their stored form, and the pure decisions on them: which rule an
// HTTP request matches, and ELBv2's target health state machine. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

enum class LbType { network, application };
std::string_view lb_type_name(LbType type);  // "network", "application"

struct LoadBalancer {
  std::string arn, name;
  LbType type = LbType::network;
  std::string scheme = "internet-facing";
  std::string ip_address_type = "ipv4";
  EpochMs created_at = 0;
};

struct HealthCheck {
  std::string protocol = "TCP";  // TCP, HTTP
  std::string port = "traffic-port";
  std::string path = "/";
  int interval_seconds = 30, timeout_seconds = 10, healthy_threshold = 5, unhealthy_threshold = 2;
  std::string matcher = "200";  // HttpCode: "200", "200,202", "200-299"
  bool enabled = true;
};

struct TargetGroup {
  std::string arn, name;
  std::string protocol = "TCP";  // TCP, HTTP
  int port = 0;
  std::string vpc_id;
  std::string target_type = "instance";
  HealthCheck health;
  int deregistration_delay_seconds = 300;  // deregistration_delay.timeout_seconds
  EpochMs created_at = 0;
};

struct Listener {
  std::string arn, load_balancer_arn;
  std::string protocol = "TCP";  // TCP for network, HTTP for application
  int port = 0;
  std::string default_target_group_arn;  // the default forward action
};

struct RuleCondition {
  std::string field;  // "path-pattern", "host-header"
  std::vector<std::string> values;
};

struct ListenerRule {
  std::string arn, listener_arn;
  int priority = 0;  // 1..50000
  std::vector<RuleCondition> conditions;
  std::string target_group_arn;  // forward
};

// A target as registered by RegisterTargets: an instance id (or an IPv4 address) and a port.
struct Target {
  std::string target_group_arn, id;
  int port = 0;
};

// Where traffic for a target actually goes on this gateway (an address the kernel routes to).
struct Endpoint {
  std::string address;
  int port = 0;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

// Stored forms (JSON documents) and back.
Json to_record(const LoadBalancer& lb);
Json to_record(const TargetGroup& tg);
Json to_record(const Listener& listener);
Json to_record(const ListenerRule& rule);
Json to_record(const Target& target);
[[nodiscard]] Result<LoadBalancer> load_balancer_from_record(const Json& record);
[[nodiscard]] Result<TargetGroup> target_group_from_record(const Json& record);
[[nodiscard]] Result<Listener> listener_from_record(const Json& record);
[[nodiscard]] Result<ListenerRule> rule_from_record(const Json& record);
[[nodiscard]] Result<Target> target_from_record(const Json& record);

// Whether HTTP `status` satisfies `matcher` ("200", "200,204", "200-299").
bool status_matches(std::string_view matcher, int status);

// Returns whether `matcher` is a valid HttpCode matcher (codes 200..499).
bool valid_matcher(std::string_view matcher);

// Whether `rule`'s conditions all hold for a request of `host` (without port) and `path`:
// path-pattern and host-header values are ELB wildcards ('*', '?'), any value of a condition
// matching; host-header compares case-insensitively.
bool rule_matches(const ListenerRule& rule, std::string_view host, std::string_view path);

// The target group an HTTP request goes to: the matching rule of lowest priority, else the
// listener's default.
const std::string& route_request(const Listener& listener, const std::vector<ListenerRule>& rules_by_priority,
                                 std::string_view host, std::string_view path);

}  // namespace berth::model
