// IAM-style identity policies: parsing a document subset (Version, Statement as one object or a
// list, Sid, Effect Allow/Deny, Action or NotAction, Resource; strings or lists, '*' and '?'
// wildcards) and evaluating (action, resource ARN) as IAM does: an explicit Deny wins, then an
// Allow, else the implicit deny. Actions match case-insensitively, resources case-sensitively.
// A parsed Policy is immutable; evaluation is thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth/auth_error.hpp"
#include "common/result.hpp"
#include "common/wildcard.hpp"

namespace berth::api::auth {

enum class Effect { allow, deny };
enum class ActionMatch { listed, not_listed };  // Action vs NotAction

struct Statement {
  std::string sid;
  Effect effect = Effect::allow;
  ActionMatch action_match = ActionMatch::listed;
  std::vector<std::string> actions;    // "ecs:Describe*", "*"
  std::vector<std::string> resources;  // "arn:aws:ecs:local:000000000000:task/plant-7/*", "*"
};

struct Policy {
  std::vector<Statement> statements;
};

enum class Decision { allow, explicit_deny, implicit_deny };

inline constexpr std::size_t k_max_policy_bytes = 10 * 1024;
inline constexpr std::size_t k_max_statements = 100;
inline constexpr std::size_t k_max_patterns_per_statement = 100;
inline constexpr std::size_t k_max_pattern_bytes = 1024;

// Returns the policy in `document` (JSON), or InvalidParameterException naming what is wrong.
// Elements berth does not evaluate (Condition, Principal, NotResource) are refused, never
// ignored, so a policy cannot grant more than it reads as granting.
[[nodiscard]] Result<Policy> parse_policy(std::string_view document);

// Returns the built-in policy `name`: "admin" (every action on every resource) or "read-only"
// (Describe/List/Get of ECS and Scheduler; secret values excluded), or InvalidParameterException.
[[nodiscard]] Result<Policy> builtin_policy(std::string_view name);

// Actions and resources match their patterns with common/wildcard ('*' any run of characters,
// '?' exactly one). On ARNs a '*' may span ':' anywhere, where IAM lets only a segment-final '*'
// do so; on berth's ARNs (fixed region and account, ':' inside the last part only before a task
// definition revision) that differs only for a '*' written inside the region or account segment.
using berth::Case;
using berth::wildcard_match;

// Returns the decision of all `policies` together for `action` ("ecs:RunTask") on `resource`
// (an ARN, or "*" for actions without one).
Decision evaluate(std::span<const Policy> policies, std::string_view action, std::string_view resource);

// Returns the AccessDeniedException AWS gives for a refused decision:
// "User: arn:aws:iam::<account>:user/<user> is not authorized to perform: <action> on resource:
// <resource> because no identity-based policy allows the <action> action" (or "with an explicit
// deny in an identity-based policy"). Precondition: decision != Decision::allow.
AuthError access_denied(Decision decision, std::string_view account, std::string_view user, std::string_view action,
                        std::string_view resource);

}  // namespace berth::api::auth
