#include "model/account_settings.hpp"

#include <algorithm>

namespace berth::model {
namespace {

constexpr std::string_view k_long_arns_always =
    "berth always gives its resources the long ARN format (with the cluster name); it cannot be turned off.";

const std::vector<SettingRule>& rules() {
  static const std::vector<SettingRule> k_rules = {
      {"awsvpcTrunking", "disabled", {"enabled", "disabled"}, {}, false},
      {"containerInsights", "disabled", {"enabled", "disabled", "enhanced"}, {}, false},
      {"containerInstanceLongArnFormat", "enabled", {"enabled", "disabled"}, {}, false},
      {"defaultLogDriverMode", "non-blocking", {"blocking", "non-blocking"}, {}, false},
      {"fargateEventWindows", "disabled", {"enabled", "disabled"}, {}, false},
      {"fargateFIPSMode", "disabled", {"enabled", "disabled"}, {}, false},
      // AWS documents that only the root user sets the Fargate retirement wait.
      {"fargateTaskRetirementWaitPeriod", "7", {"0", "7", "14"}, {}, true},
      {"guardDutyActivate", "off", {"on", "off"},
       "guardDutyActivate is read-only: Amazon GuardDuty controls it on the account's behalf.", false},
      {"serviceLongArnFormat", "enabled", {"enabled", "disabled"}, {}, false},
      {"tagResourceAuthorization", "on", {"on", "off"}, {}, false},
      {"taskLongArnFormat", "enabled", {"enabled", "disabled"}, {}, false},
  };
  return k_rules;
}

bool is_long_arn_format(std::string_view name) { return name.ends_with("LongArnFormat"); }

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

// An IAM user or role name after its path: letters, digits and +=,.@_- (IAM's rules), slashes
// for the path.
bool is_iam_path_and_name(std::string_view text) {
  if (text.empty() || text.size() > 512 || text.back() == '/') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("+=,.@_-/").find(c) != std::string_view::npos;
  });
}

}  // namespace

std::span<const SettingRule> account_setting_rules() { return rules(); }

const SettingRule* find_setting_rule(std::string_view name) {
  for (const auto& rule : rules()) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

Result<const SettingRule*> setting_rule_of(std::string_view name) {
  if (const SettingRule* rule = find_setting_rule(name)) return rule;
  std::vector<std::string_view> names;
  for (const auto& rule : rules()) names.push_back(rule.name);
  return fail(Code::invalid_parameter,
              "Invalid account setting name '" + std::string(name) + "': use " + joined(names) + ".");
}

Result<void> check_setting_value(const SettingRule& rule, std::string_view value) {
  if (std::find(rule.values.begin(), rule.values.end(), value) == rule.values.end()) {
    return fail(Code::invalid_parameter, "Invalid value '" + std::string(value) + "' for the account setting " +
                                             std::string(rule.name) + ": use " + joined(rule.values) + ".");
  }
  if (is_long_arn_format(rule.name) && value != "enabled") {
    return fail(Code::invalid_parameter, std::string(rule.name) + ": " + std::string(k_long_arns_always));
  }
  return {};
}

Result<void> check_setting_writable(const SettingRule& rule) {
  if (!rule.read_only_because.empty()) return fail(Code::invalid_parameter, std::string(rule.read_only_because));
  return {};
}

std::string root_principal(std::string_view account) { return "arn:aws:iam::" + std::string(account) + ":root"; }

Result<void> check_principal(std::string_view arn, std::string_view account) {
  const std::string prefix = "arn:aws:iam::" + std::string(account) + ":";
  if (arn.starts_with(prefix)) {
    const std::string_view resource = arn.substr(prefix.size());
    if (resource == "root") return {};
    for (std::string_view kind : {"user/", "role/"}) {
      if (resource.starts_with(kind) && is_iam_path_and_name(resource.substr(kind.size()))) return {};
    }
  }
  return fail(Code::invalid_parameter, "principalArn '" + std::string(arn) +
                                           "' must be the root user, an IAM user or an IAM role of account " +
                                           std::string(account) + " (arn:aws:iam::" + std::string(account) +
                                           ":root, ...:user/NAME or ...:role/NAME).");
}

AccountSetting effective_setting(const SettingRule& rule, const std::optional<AccountSetting>& own,
                                 const std::optional<AccountSetting>& root, std::string_view root_arn) {
  if (own) return *own;
  if (root) return *root;
  return {std::string(rule.name), std::string(rule.default_value), std::string(root_arn), SettingType::aws_managed};
}

}  // namespace berth::model
