// ECS account settings: the names ECS knows, their default values and the values each accepts,
// who a setting belongs to (an IAM principal of the account; the root user's settings are the
// account's defaults) and how the effective value is found (the principal's, else the root
// user's, else ECS's default). Pure; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

// "user": set by someone; "aws_managed": nobody set it, ECS's default applies.
enum class SettingType { user, aws_managed };
template <>
struct WireNames<SettingType> {
  static constexpr std::array<std::string_view, 2> names = {"user", "aws_managed"};
};

struct AccountSetting {
  std::string name;
  std::string value;
  std::string principal_arn;
  SettingType type = SettingType::user;
};

// What ECS allows for one setting name.
struct SettingRule {
  std::string_view name;
  std::string_view default_value;
  std::vector<std::string_view> values;  // the values ECS accepts
  // Set: the setting cannot be put or deleted; the reason says why (InvalidParameterException).
  std::string_view read_only_because;
  bool root_only = false;                // only the root user's setting may be put
};

// Every setting ECS knows, by name.
std::span<const SettingRule> account_setting_rules();
// The rule of `name`; nullptr for a name ECS does not know.
const SettingRule* find_setting_rule(std::string_view name);

// The setting name that sets new clusters' containerInsights when CreateCluster gives none.
inline constexpr std::string_view k_container_insights_setting = "containerInsights";

// The rule of `name`, or InvalidParameterException naming the valid names.
[[nodiscard]] Result<const SettingRule*> setting_rule_of(std::string_view name);
// `value` checked against `rule`: InvalidParameterException naming the accepted values, or, for
// a value berth cannot honour (turning the long ARN formats off), saying why.
[[nodiscard]] Result<void> check_setting_value(const SettingRule& rule, std::string_view value);
// The rule's writability: InvalidParameterException for a read-only setting.
[[nodiscard]] Result<void> check_setting_writable(const SettingRule& rule);

// How many principals may have settings of their own: any IAM ARN of the account is a valid
// principal, so without a bound the table would grow with every name a caller makes up.
inline constexpr std::size_t k_max_setting_principals = 1000;

// The account's root user, whose settings are every other principal's defaults.
std::string root_principal(std::string_view account);
// `arn` as a principal of `account`: its root user, an IAM user or an IAM role
// (arn:aws:iam::<account>:root | user/<path+name> | role/<path+name>). InvalidParameterException
// otherwise.
[[nodiscard]] Result<void> check_principal(std::string_view arn, std::string_view account);

// The setting `rule` names as it applies to `principal`: its own (`own`), else the root user's
// (`root`), else ECS's default (aws_managed, attributed to the root user).
AccountSetting effective_setting(const SettingRule& rule, const std::optional<AccountSetting>& own,
                                 const std::optional<AccountSetting>& root, std::string_view root_arn);

}  // namespace berth::model
