// ECS account settings: names, values, principals and the effective value; the decoders of the
// four actions.
#include "model/account_settings.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "model/account_setting_requests.hpp"

namespace account_settings_test {

using namespace berth;
using berth::testing::check_error;
using model::Json;

TEST_CASE("Account settings: every name ECS knows, with its default", "[model][account]") {
  REQUIRE(model::account_setting_rules().size() == 11);
  const auto* insights = model::find_setting_rule("containerInsights");
  REQUIRE(insights != nullptr);
  CHECK(insights->default_value == "disabled");
  CHECK(model::find_setting_rule("taskLongArnFormat")->default_value == "enabled");
  CHECK(model::find_setting_rule("tagResourceAuthorization")->default_value == "on");
  CHECK(model::find_setting_rule("fargateTaskRetirementWaitPeriod")->default_value == "7");
  CHECK(model::find_setting_rule("defaultLogDriverMode")->default_value == "non-blocking");
  CHECK(model::find_setting_rule("dualStackIPv6") == nullptr);  // not in the API model's enum
  CHECK(model::find_setting_rule("ContainerInsights") == nullptr);
  // Sorted by name: ListAccountSettings pages by name.
  const auto rules = model::account_setting_rules();
  for (std::size_t i = 1; i < rules.size(); ++i) CHECK(rules[i - 1].name < rules[i].name);
}

TEST_CASE("Account settings: an unknown name, a value the setting does not take", "[model][account]") {
  const auto unknown = model::setting_rule_of("insights");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Code::invalid_parameter);
  CHECK(unknown.error().message.find("Invalid account setting name 'insights'") == 0);
  CHECK(unknown.error().message.find("containerInsights") != std::string::npos);

  const auto& insights = *model::find_setting_rule("containerInsights");
  CHECK(model::check_setting_value(insights, "enhanced").has_value());
  check_error(model::check_setting_value(insights, "on"), Code::invalid_parameter,
              "Invalid value 'on' for the account setting containerInsights: use enabled, disabled or enhanced.");
  const auto& wait = *model::find_setting_rule("fargateTaskRetirementWaitPeriod");
  CHECK(model::check_setting_value(wait, "14").has_value());
  CHECK_FALSE(model::check_setting_value(wait, "3").has_value());
  // berth cannot give short ARNs: turning the long format off is refused with the reason.
  const auto& task_arns = *model::find_setting_rule("taskLongArnFormat");
  CHECK(model::check_setting_value(task_arns, "enabled").has_value());
  const auto off = model::check_setting_value(task_arns, "disabled");
  REQUIRE_FALSE(off.has_value());
  CHECK(off.error().message.find("long ARN format") != std::string::npos);
}

TEST_CASE("Account settings: guardDutyActivate is read-only", "[model][account]") {
  const auto refused = model::check_setting_writable(*model::find_setting_rule("guardDutyActivate"));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::invalid_parameter);
  CHECK(refused.error().message.find("read-only") != std::string::npos);
  CHECK(model::check_setting_writable(*model::find_setting_rule("containerInsights")).has_value());
}

TEST_CASE("Account settings: principals are the account's root user, IAM users and roles", "[model][account]") {
  CHECK(model::root_principal("123456789012") == "arn:aws:iam::123456789012:root");
  CHECK(model::check_principal("arn:aws:iam::123456789012:root", "123456789012").has_value());
  CHECK(model::check_principal("arn:aws:iam::123456789012:user/ops/alice", "123456789012").has_value());
  CHECK(model::check_principal("arn:aws:iam::123456789012:role/gateway-agent", "123456789012").has_value());
  for (const char* bad : {"arn:aws:iam::999999999999:root", "arn:aws:iam::123456789012:group/ops",
                          "arn:aws:iam::123456789012:user/", "arn:aws:iam::123456789012:user/a b",
                          "arn:aws:ecs:local:123456789012:cluster/default", "alice", ""}) {
    INFO(bad);
    const auto checked = model::check_principal(bad, "123456789012");
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().code == Code::invalid_parameter);
  }
}

TEST_CASE("Account settings: the principal's own, else the root user's, else ECS's default", "[model][account]") {
  const auto& rule = *model::find_setting_rule("containerInsights");
  const std::string root = "arn:aws:iam::1:root";
  const model::AccountSetting own{"containerInsights", "enhanced", "arn:aws:iam::1:user/a", model::SettingType::user};
  const model::AccountSetting root_set{"containerInsights", "enabled", root, model::SettingType::user};
  CHECK(model::effective_setting(rule, own, root_set, root).value == "enhanced");
  CHECK(model::effective_setting(rule, std::nullopt, root_set, root).value == "enabled");
  const auto by_default = model::effective_setting(rule, std::nullopt, std::nullopt, root);
  CHECK(by_default.value == "disabled");
  CHECK(by_default.type == model::SettingType::aws_managed);
  CHECK(by_default.principal_arn == root);
}

TEST_CASE("Account setting requests: decoded once, with ECS's errors", "[model][account]") {
  const auto put = model::decode_put_account_setting(
      Json{{"name", "containerInsights"}, {"value", "enabled"}, {"principalArn", "arn:aws:iam::1:role/r"}});
  REQUIRE(put.has_value());
  CHECK(put->rule->name == "containerInsights");
  CHECK(put->value == "enabled");
  CHECK(put->principal == "arn:aws:iam::1:role/r");
  CHECK_FALSE(model::decode_put_account_setting(Json{{"name", "containerInsights"}, {"value", "yes"}}).has_value());
  CHECK_FALSE(model::decode_put_account_setting(Json{{"name", "guardDutyActivate"}, {"value", "on"}}).has_value());
  CHECK_FALSE(model::decode_delete_account_setting(Json{{"name", "guardDutyActivate"}}).has_value());
  CHECK_FALSE(model::decode_delete_account_setting(Json{{"name", "nope"}}).has_value());

  check_error(model::decode_list_account_settings(Json{{"value", "enabled"}}), Code::invalid_parameter,
              "ListAccountSettings filters by value only together with a setting name.");
  CHECK_FALSE(model::decode_list_account_settings(Json{{"nextToken", "forged"}}).has_value());
  const auto list = model::decode_list_account_settings(Json{{"effectiveSettings", true}});
  REQUIRE(list.has_value());
  CHECK(list->effective);
  CHECK(list->rule == nullptr);
  CHECK(list->page.limit == 10);
}

TEST_CASE("Account setting replies: ECS's Setting shape", "[model][account]") {
  const model::AccountSetting s{"containerInsights", "enabled", "arn:aws:iam::1:root", model::SettingType::aws_managed};
  CHECK(model::encode_account_setting_reply({s}) ==
        Json{{"setting",
              {{"name", "containerInsights"}, {"value", "enabled"}, {"principalArn", "arn:aws:iam::1:root"},
               {"type", "aws_managed"}}}});
  CHECK(model::encode_account_settings_page({{s}, "t"})["nextToken"] == "t");
  CHECK_FALSE(model::encode_account_settings_page({{}, std::nullopt}).contains("nextToken"));
}

}  // namespace account_settings_test
