// ELBv2's members as the query protocol carries them (strings in the JSON data model of
// api/query_form.hpp) decoded into svc's typed requests, and svc's values encoded as ELBv2's
// reply members. Numbers are parsed checked. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/elb.hpp"
#include "model/schema.hpp"
#include "svc/elb.hpp"

namespace berth::api {

using model::Json;

// Member `key` as a string ("" when absent); InvalidParameter when not a string.
[[nodiscard]] Result<std::string> elb_string(const Json& request, const char* key);
// Member `key`, which must be given.
[[nodiscard]] Result<std::string> elb_required(const Json& request, const char* key);
// Member `key` as an integer (nothing when absent).
[[nodiscard]] Result<std::optional<int>> elb_int(const Json& request, const char* key);
// The list `key` of strings (Names.member.N).
[[nodiscard]] Result<std::vector<std::string>> elb_strings(const Json& request, const char* key);
// Targets.member.N.{Id,Port}.
[[nodiscard]] Result<std::vector<model::Target>> elb_targets(const Json& request, bool port_required);
// The target group of a forward action list (DefaultActions / Actions).
[[nodiscard]] Result<std::string> elb_forward_target(const Json& request, const char* key);
[[nodiscard]] Result<model::TargetGroup> decode_target_group(const Json& request);
[[nodiscard]] Result<std::vector<model::RuleCondition>> elb_conditions(const Json& request);

Json encode_load_balancer(const model::LoadBalancer& lb);
Json encode_target_group(const svc::TargetGroupView& view);
Json encode_listener(const model::Listener& listener);
Json encode_rule(const model::ListenerRule& rule);
Json encode_target_health(const svc::TargetHealthView& view);
Json encode_attributes(const std::vector<std::pair<std::string, std::string>>& attributes);

}  // namespace berth::api
