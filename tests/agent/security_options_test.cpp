#include "agent/security_options.hpp"

#include <catch2/catch.hpp>

namespace security_options_test {

using namespace berth;
using model::Json;

TEST_CASE("security options: seccomp, systempaths and apparmor in both spellings", "[agent][security]") {
  const auto none = agent::security_options_of(Json{{"dockerSecurityOptions", {"no-new-privileges", "label:disable"}}});
  CHECK_FALSE(none.seccomp_unconfined);
  CHECK_FALSE(none.system_paths_unconfined);
  CHECK(none.apparmor_profile.empty());
  const auto colon = agent::security_options_of(
      Json{{"dockerSecurityOptions", {"seccomp:unconfined", "systempaths:unconfined", "apparmor:plc-reader"}}});
  CHECK(colon.seccomp_unconfined);
  CHECK(colon.system_paths_unconfined);
  CHECK(colon.apparmor_profile == "plc-reader");
  const auto equals = agent::security_options_of(Json{{"dockerSecurityOptions", {"seccomp=unconfined", "apparmor=docker-default"}}});
  CHECK(equals.seccomp_unconfined);
  CHECK(equals.apparmor_profile == "docker-default");
  // unconfined is berth's default: no profile to load.
  CHECK(agent::security_options_of(Json{{"dockerSecurityOptions", {"apparmor=unconfined"}}}).apparmor_profile.empty());
  CHECK_FALSE(agent::security_options_of(Json::object()).seccomp_unconfined);
}

}  // namespace security_options_test
