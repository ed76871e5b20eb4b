// ELB's stored kinds, ARNs and name rules, shared by its use cases. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/elb.hpp"
#include "svc/context.hpp"

namespace berth::svc {

inline constexpr std::string_view k_kind_load_balancer = "load-balancer";
inline constexpr std::string_view k_kind_target_group = "target-group";
inline constexpr std::string_view k_kind_listener = "listener";
inline constexpr std::string_view k_kind_rule = "rule";
inline constexpr std::string_view k_kind_target = "target";

// "arn:aws:elasticloadbalancing:<region>:<account>:<resource>".
std::string elb_arn(const Context& ctx, const std::string& resource);
// "net" or "app", as ARNs spell the type.
std::string lb_type_tag(model::LbType type);
// "net/NAME/ID" of a load balancer ARN ("" for another string).
std::string lb_path_of(const std::string& lb_arn);

}  // namespace berth::svc
