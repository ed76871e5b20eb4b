// The account settings actions through the action table, on an in-memory store, and the
// containerInsights default they give new clusters.
#include "svc/account_settings.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"

namespace account_settings_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_root = "arn:aws:iam::000000000000:root";
const std::string k_alice = "arn:aws:iam::000000000000:user/alice";
const std::string k_bob = "arn:aws:iam::000000000000:user/bob";

Json setting(const std::string& name, const std::string& value, const std::string& principal, const char* type) {
  return Json{{"name", name}, {"value", value}, {"principalArn", principal}, {"type", type}};
}

}  // namespace

TEST_CASE("PutAccountSetting: the principal's own setting; without one, an internal call's is the root user's", "[svc][account]") {
  ServiceFixture f;
  auto put = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enhanced"}, {"principalArn", k_alice}});
  REQUIRE_OK(put);
  CHECK((*put)["setting"] == setting("containerInsights", "enhanced", k_alice, "user"));
  auto root = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"}});
  REQUIRE_OK(root);
  CHECK((*root)["setting"]["principalArn"] == k_root);

  // Only what each principal set.
  auto alice = ecs_call(*f.ctx, "ListAccountSettings", {{"principalArn", k_alice}});
  REQUIRE_OK(alice);
  CHECK((*alice)["settings"] == Json::array({setting("containerInsights", "enhanced", k_alice, "user")}));
  auto mine = ecs_call(*f.ctx, "ListAccountSettings", Json::object());
  REQUIRE_OK(mine);
  CHECK((*mine)["settings"] == Json::array({setting("awsvpcTrunking", "enabled", k_root, "user")}));
}

TEST_CASE("without principalArn, Put, List and DeleteAccountSetting speak for the caller; only the default is root's",
          "[svc][account]") {
  ServiceFixture f;
  f.ctx->caller_arn = k_bob;
  auto own = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enhanced"}});
  REQUIRE_OK(own);
  CHECK((*own)["setting"] == setting("containerInsights", "enhanced", k_bob, "user"));
  // Not the account's default: new clusters still get ECS's.
  CHECK(svc::account_default(*f.ctx, "containerInsights") == "disabled");
  CHECK(f.store->account_settings_of(k_root).value().empty());
  auto mine = ecs_call(*f.ctx, "ListAccountSettings", Json::object());
  REQUIRE_OK(mine);
  CHECK((*mine)["settings"] == Json::array({setting("containerInsights", "enhanced", k_bob, "user")}));
  // A root-only setting is refused for the caller as for any other principal.
  const auto wait = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "fargateTaskRetirementWaitPeriod"}, {"value", "14"}});
  REQUIRE_FALSE(wait.has_value());
  CHECK(wait.error().code == Code::invalid_parameter);

  auto by_default = ecs_call(*f.ctx, "PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enabled"}});
  REQUIRE_OK(by_default);
  CHECK((*by_default)["setting"]["principalArn"] == k_root);
  CHECK(svc::account_default(*f.ctx, "containerInsights") == "enabled");

  auto deleted = ecs_call(*f.ctx, "DeleteAccountSetting", {{"name", "containerInsights"}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["setting"] == setting("containerInsights", "enhanced", k_bob, "user"));
  CHECK(svc::account_default(*f.ctx, "containerInsights") == "enabled");  // root's was not deleted
}

TEST_CASE("PutAccountSetting: at most k_max_setting_principals principals have settings of their own", "[svc][account]") {
  ServiceFixture f;
  for (std::size_t i = 0; i < model::k_max_setting_principals; ++i) {
    REQUIRE_OK(f.store->put_account_setting(
        {"containerInsights", "enabled", "arn:aws:iam::000000000000:user/u" + std::to_string(i), model::SettingType::user}));
  }
  const auto refused = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enabled"},
                                                               {"principalArn", k_alice}});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::client);
  CHECK(refused.error().message == "1000 principals already have account settings of their own: delete some first.");
  CHECK(f.store->account_settings_of(k_alice).value().empty());
  // One that has settings may change and add them; the root user (the defaults) always may.
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"},
                                                    {"principalArn", "arn:aws:iam::000000000000:user/u7"}}));
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enhanced"}}));
  // Deleting a principal's last setting makes room.
  REQUIRE_OK(ecs_call(*f.ctx, "DeleteAccountSetting", {{"name", "containerInsights"},
                                                       {"principalArn", "arn:aws:iam::000000000000:user/u0"}}));
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enabled"},
                                                    {"principalArn", k_alice}}));
}

TEST_CASE("PutAccountSetting: principals of another account and root-only settings are refused", "[svc][account]") {
  ServiceFixture f;
  const auto other = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enabled"},
                                                             {"principalArn", "arn:aws:iam::111111111111:root"}});
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == Code::invalid_parameter);
  const auto wait = ecs_call(*f.ctx, "PutAccountSetting", {{"name", "fargateTaskRetirementWaitPeriod"}, {"value", "14"},
                                                            {"principalArn", k_alice}});
  REQUIRE_FALSE(wait.has_value());
  CHECK(wait.error().message.find("only the root user's") != std::string::npos);
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSettingDefault", {{"name", "fargateTaskRetirementWaitPeriod"}, {"value", "14"}}));
  // Nothing was written by the refused calls.
  auto listed = ecs_call(*f.ctx, "ListAccountSettings", {{"principalArn", k_alice}});
  REQUIRE_OK(listed);
  CHECK((*listed)["settings"].empty());
}

TEST_CASE("ListAccountSettings effectiveSettings: own, else the account default, else ECS's", "[svc][account]") {
  ServiceFixture f;
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enabled"}}));
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSetting", {{"name", "tagResourceAuthorization"}, {"value", "off"}, {"principalArn", k_alice}}));
  auto page = ecs_call(*f.ctx, "ListAccountSettings", {{"principalArn", k_alice}, {"effectiveSettings", true}});
  REQUIRE_OK(page);
  const Json& settings = (*page)["settings"];
  REQUIRE(settings.size() == 10);  // one page of ten; the eleventh follows
  REQUIRE(page->contains("nextToken"));
  CHECK(settings[0] == setting("awsvpcTrunking", "disabled", k_root, "aws_managed"));
  CHECK(settings[1] == setting("containerInsights", "enabled", k_root, "user"));
  CHECK(settings[9] == setting("tagResourceAuthorization", "off", k_alice, "user"));
  auto rest = ecs_call(*f.ctx, "ListAccountSettings",
                       {{"principalArn", k_alice}, {"effectiveSettings", true}, {"nextToken", (*page)["nextToken"]}});
  REQUIRE_OK(rest);
  CHECK((*rest)["settings"] == Json::array({setting("taskLongArnFormat", "enabled", k_root, "aws_managed")}));
  CHECK_FALSE(rest->contains("nextToken"));

  // A name and a value filter; maxResults.
  auto insights = ecs_call(*f.ctx, "ListAccountSettings",
                           {{"name", "containerInsights"}, {"value", "disabled"}, {"effectiveSettings", true}});
  REQUIRE_OK(insights);
  CHECK((*insights)["settings"].empty());
  auto two = ecs_call(*f.ctx, "ListAccountSettings", {{"effectiveSettings", true}, {"maxResults", 2}});
  REQUIRE_OK(two);
  CHECK((*two)["settings"].size() == 2);
  CHECK(two->contains("nextToken"));
  CHECK_FALSE(ecs_call(*f.ctx, "ListAccountSettings", {{"maxResults", 11}}).has_value());
}

TEST_CASE("DeleteAccountSetting: returns what was set; then the default applies again", "[svc][account]") {
  ServiceFixture f;
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enhanced"}}));
  auto deleted = ecs_call(*f.ctx, "DeleteAccountSetting", {{"name", "containerInsights"}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["setting"] == setting("containerInsights", "enhanced", k_root, "user"));
  // Deleting again: nothing set, so the reply is what applies now.
  auto again = ecs_call(*f.ctx, "DeleteAccountSetting", {{"name", "containerInsights"}});
  REQUIRE_OK(again);
  CHECK((*again)["setting"] == setting("containerInsights", "disabled", k_root, "aws_managed"));
  CHECK(svc::account_default(*f.ctx, "containerInsights") == "disabled");
  const auto read_only = ecs_call(*f.ctx, "DeleteAccountSetting", {{"name", "guardDutyActivate"}});
  REQUIRE_FALSE(read_only.has_value());
  CHECK(read_only.error().code == Code::invalid_parameter);
}

TEST_CASE("CreateCluster: the account's containerInsights default applies unless the request sets it", "[svc][account]") {
  ServiceFixture f;
  auto before = ecs_call(*f.ctx, "CreateCluster", {{"clusterName", "before"}});
  REQUIRE_OK(before);
  CHECK((*before)["cluster"]["settings"] == Json::array({{{"name", "containerInsights"}, {"value", "disabled"}}}));
  // A principal's own setting is not the account's default.
  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSetting", {{"name", "containerInsights"}, {"value", "enabled"}, {"principalArn", k_alice}}));
  auto still = ecs_call(*f.ctx, "CreateCluster", {{"clusterName", "still"}});
  REQUIRE_OK(still);
  CHECK((*still)["cluster"]["settings"][0]["value"] == "disabled");

  REQUIRE_OK(ecs_call(*f.ctx, "PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enhanced"}}));
  auto after = ecs_call(*f.ctx, "CreateCluster", {{"clusterName", "after"}});
  REQUIRE_OK(after);
  CHECK((*after)["cluster"]["settings"] == Json::array({{{"name", "containerInsights"}, {"value", "enhanced"}}}));
  auto explicit_off = ecs_call(*f.ctx, "CreateCluster", {{"clusterName", "explicit"},
                                                         {"settings", {{{"name", "containerInsights"}, {"value", "disabled"}}}}});
  REQUIRE_OK(explicit_off);
  CHECK((*explicit_off)["cluster"]["settings"][0]["value"] == "disabled");
  // Existing clusters keep theirs.
  auto described = ecs_call(*f.ctx, "DescribeClusters", {{"clusters", {"before"}}, {"include", {"SETTINGS"}}});
  REQUIRE_OK(described);
  CHECK((*described)["clusters"][0]["settings"][0]["value"] == "disabled");
}

}  // namespace account_settings_test
