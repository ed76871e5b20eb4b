#include "api/auth/policy.hpp"

#include <algorithm>

#include "model/json_parse.hpp"

namespace berth::api::auth {
namespace {

using model::Json;

constexpr std::size_t k_max_depth = 8;  // a policy nests four levels; refuse anything much deeper

std::unexpected<Error> invalid(std::string message) {
  return fail(Code::invalid_parameter, "Invalid policy document: " + std::move(message));
}

// Returns the strings of an element that may be one string or a non-empty list of strings.
Result<std::vector<std::string>> string_list(const Json& value, std::string_view element) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array() && !value.empty() && value.size() <= k_max_patterns_per_statement) {
    for (const Json& item : value) {
      if (!item.is_string()) return invalid(std::string(element) + " must hold only strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    return invalid(std::string(element) + " must be a string or a list of 1 to " +
                   std::to_string(k_max_patterns_per_statement) + " strings");
  }
  for (const std::string& pattern : out) {
    if (pattern.empty() || pattern.size() > k_max_pattern_bytes) {
      return invalid(std::string(element) + " entries must be 1 to " + std::to_string(k_max_pattern_bytes) + " characters");
    }
  }
  return out;
}

Result<void> check_action(const std::string& action) {
  if (action == "*") return {};
  const std::size_t colon = action.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == action.size()) {
    return invalid("action '" + action + "' must be '*' or '<service>:<action>' (e.g. 'ecs:RunTask', 'ecs:Describe*')");
  }
  for (std::size_t i = 0; i < action.size(); ++i) {
    const char c = action[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const bool ok = i < colon ? letter || c == '-' : i == colon || letter || c == '*' || c == '?';
    if (!ok) return invalid("action '" + action + "' has a character IAM does not allow there: '" + std::string(1, c) + "'");
  }
  return {};
}

Result<Statement> parse_statement(const Json& json) {
  if (!json.is_object()) return invalid("each Statement must be an object");
  Statement statement;
  bool has_effect = false, has_resource = false, has_action = false;
  for (const auto& [key, value] : json.items()) {
    if (key == "Sid") {
      if (!value.is_string()) return invalid("Sid must be a string");
      statement.sid = value.get<std::string>();
    } else if (key == "Effect") {
      if (value != "Allow" && value != "Deny") return invalid("Effect must be \"Allow\" or \"Deny\"");
      statement.effect = value == "Allow" ? Effect::allow : Effect::deny;
      has_effect = true;
    } else if (key == "Action" || key == "NotAction") {
      if (has_action) return invalid("a Statement has either Action or NotAction, once");
      BERTH_ASSIGN(statement.actions, string_list(value, key));
      for (const std::string& action : statement.actions) BERTH_TRY(check_action(action));
      statement.action_match = key == "Action" ? ActionMatch::listed : ActionMatch::not_listed;
      has_action = true;
    } else if (key == "Resource") {
      BERTH_ASSIGN(statement.resources, string_list(value, key));
      for (const std::string& resource : statement.resources) {
        if (resource != "*" && !resource.starts_with("arn:")) {
          return invalid("resource '" + resource + "' must be '*' or an ARN ('arn:...')");
        }
      }
      has_resource = true;
    } else if (key == "Condition" || key == "Principal" || key == "NotPrincipal" || key == "NotResource") {
      return invalid("berth does not support the " + key + " element");
    } else {
      return invalid("unknown Statement element '" + key + "'");
    }
  }
  if (!has_effect) return invalid("a Statement needs an Effect");
  if (!has_action) return invalid("a Statement needs an Action or NotAction");
  if (!has_resource) return invalid("a Statement needs a Resource");
  return statement;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view text, Case letter_case) {
  for (const std::string& pattern : patterns) {
    if (wildcard_match(pattern, text, letter_case)) return true;
  }
  return false;
}

bool applies(const Statement& statement, std::string_view action, std::string_view resource) {
  const bool action_listed = matches_any(statement.actions, action, Case::insensitive);
  if (action_listed != (statement.action_match == ActionMatch::listed)) return false;
  return matches_any(statement.resources, resource, Case::sensitive);
}

}  // namespace

Result<Policy> parse_policy(std::string_view document) {
  if (document.size() > k_max_policy_bytes) {
    return invalid("longer than " + std::to_string(k_max_policy_bytes) + " bytes");
  }
  auto parsed = model::parse_json(document, "the policy document", k_max_depth);
  if (!parsed) return invalid(parsed.error().message);
  const Json json = std::move(*parsed);
  if (!json.is_object()) return invalid("must be a JSON object");
  Policy policy;
  bool has_statement = false;
  for (const auto& [key, value] : json.items()) {
    if (key == "Version") {
      if (value != "2012-10-17" && value != "2008-10-17") return invalid("Version must be \"2012-10-17\"");
    } else if (key == "Id") {
      if (!value.is_string()) return invalid("Id must be a string");
    } else if (key == "Statement") {
      has_statement = true;
      if (value.is_array()) {
        if (value.empty() || value.size() > k_max_statements) {
          return invalid("Statement must hold 1 to " + std::to_string(k_max_statements) + " statements");
        }
        for (const Json& item : value) {
          BERTH_ASSIGN(Statement statement, parse_statement(item));
          policy.statements.push_back(std::move(statement));
        }
      } else {
        BERTH_ASSIGN(Statement statement, parse_statement(value));
        policy.statements.push_back(std::move(statement));
      }
    } else {
      return invalid("unknown element '" + key + "'");
    }
  }
  if (!has_statement) return invalid("a policy needs a Statement");
  return policy;
}

Result<Policy> builtin_policy(std::string_view name) {
  if (name == "admin") {
    return parse_policy(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  }
  if (name == "read-only") {
    return parse_policy(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*","Action":[
        "ecs:Describe*","ecs:List*","scheduler:Get*","scheduler:List*",
        "secretsmanager:DescribeSecret","secretsmanager:ListSecrets","ssm:DescribeParameters",
        "application-autoscaling:Describe*","berth:GetTaskLogs","berth:GetMetrics",
        "berth:ListImages","servicediscovery:Get*","servicediscovery:List*",
        "servicediscovery:DiscoverInstances","elasticloadbalancing:Describe*"]}})");
  }
  return fail(Code::invalid_parameter, "unknown built-in policy '" + std::string(name) + "' (known: admin, read-only)");
}

Decision evaluate(std::span<const Policy> policies, std::string_view action, std::string_view resource) {
  bool allowed = false;
  for (const Policy& policy : policies) {
    for (const Statement& statement : policy.statements) {
      if (!applies(statement, action, resource)) continue;
      if (statement.effect == Effect::deny) return Decision::explicit_deny;
      allowed = true;
    }
  }
  return allowed ? Decision::allow : Decision::implicit_deny;
}

AuthError access_denied(Decision decision, std::string_view account, std::string_view user, std::string_view action,
                        std::string_view resource) {
  std::string message = "User: arn:aws:iam::" + std::string(account) + ":user/" + std::string(user) +
                        " is not authorized to perform: " + std::string(action) + " on resource: " + std::string(resource);
  message += decision == Decision::explicit_deny
                 ? " with an explicit deny in an identity-based policy"
                 : " because no identity-based policy allows the " + std::string(action) + " action";
  return AuthError{AuthFailure::access_denied, std::move(message)};
}

}  // namespace berth::api::auth
