// The first start's admin key: made once, whoever asks first (servers of a replicated control
// plane starting at once ask one store), in one transaction with the check that no key exists.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "svc/access_keys.hpp"

namespace first_admin_key_test {

using namespace berth;
using berth::testing::ServiceFixture;

TEST_CASE("first admin key: made when berth holds no key, never again", "[svc][access_keys]") {
  ServiceFixture f;
  auto first = svc::create_first_admin_key(*f.ctx);
  REQUIRE_OK(first);
  REQUIRE(first->has_value());
  CHECK((*first)->policy_name == "admin");
  auto second = svc::create_first_admin_key(*f.ctx);
  REQUIRE_OK(second);
  CHECK_FALSE(second->has_value());
  auto keys = f.ctx->store.list_access_keys(std::nullopt);
  REQUIRE_OK(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->front().access_key_id == (*first)->access_key_id);
}

TEST_CASE("first admin key: none when another key exists already", "[svc][access_keys]") {
  ServiceFixture f;
  REQUIRE_OK(svc::create_access_key(*f.ctx, "ops", "read-only", ""));
  auto first = svc::create_first_admin_key(*f.ctx);
  REQUIRE_OK(first);
  CHECK_FALSE(first->has_value());
}

}  // namespace first_admin_key_test
