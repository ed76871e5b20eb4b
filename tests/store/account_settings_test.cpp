// The account_settings table: each principal's own settings, written only when they change.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "store/store.hpp"

namespace account_settings_test {

using namespace berth;

namespace {

const std::string k_root = "arn:aws:iam::1:root";
const std::string k_alice = "arn:aws:iam::1:user/alice";

model::AccountSetting setting(const std::string& principal, const std::string& name, const std::string& value) {
  return {name, value, principal, model::SettingType::user};
}

}  // namespace

TEST_CASE("Store: account settings per principal, by name", "[store][account]") {
  auto store = berth::testing::open_test_store();
  REQUIRE(store.has_value());
  auto& s = **store;
  REQUIRE_OK(s.put_account_setting(setting(k_root, "containerInsights", "enabled")));
  REQUIRE_OK(s.put_account_setting(setting(k_root, "awsvpcTrunking", "enabled")));
  REQUIRE_OK(s.put_account_setting(setting(k_alice, "containerInsights", "enhanced")));
  REQUIRE_OK(s.put_account_setting(setting(k_root, "containerInsights", "disabled")));  // replaces

  auto root = s.account_settings_of(k_root);
  REQUIRE_OK(root);
  REQUIRE(root->size() == 2);
  CHECK((*root)[0].name == "awsvpcTrunking");
  CHECK((*root)[1].value == "disabled");
  CHECK((*root)[1].principal_arn == k_root);
  CHECK((*root)[1].type == model::SettingType::user);
  auto alice = s.account_settings_of(k_alice, std::string("containerInsights"));
  REQUIRE_OK(alice);
  REQUIRE(alice->size() == 1);
  CHECK(alice->front().value == "enhanced");
  auto nobody = s.account_settings_of("arn:aws:iam::1:role/r");
  REQUIRE_OK(nobody);
  CHECK(nobody->empty());

  auto deleted = s.delete_account_setting(k_alice, "containerInsights");
  REQUIRE_OK(deleted);
  REQUIRE(deleted->has_value());
  CHECK((*deleted)->value == "enhanced");
  auto again = s.delete_account_setting(k_alice, "containerInsights");
  REQUIRE_OK(again);
  CHECK_FALSE(again->has_value());
  // The root user's settings are untouched by another principal's delete.
  CHECK(s.account_settings_of(k_root)->size() == 2);
}

TEST_CASE("Store: an account setting put again with its value writes nothing", "[store][account]") {
  auto store = berth::testing::open_test_store();
  REQUIRE(store.has_value());
  auto& s = **store;
  REQUIRE_OK(s.put_account_setting(setting(k_root, "containerInsights", "enabled")));
  // A trigger refuses every update of the table: a put that writes fails.
  REQUIRE_OK(s.exec_for_test("CREATE TRIGGER no_writes BEFORE UPDATE ON account_settings "
                             "BEGIN SELECT RAISE(ABORT, 'written'); END;"));
  REQUIRE_OK(s.put_account_setting(setting(k_root, "containerInsights", "enabled")));
  CHECK_FALSE(s.put_account_setting(setting(k_root, "containerInsights", "enhanced")).has_value());
  CHECK(s.account_settings_of(k_root)->front().value == "enabled");
}

}  // namespace account_settings_test
