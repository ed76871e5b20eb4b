#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

namespace context_test {

using namespace berth;
using berth::testing::ServiceFixture;

TEST_CASE_METHOD(ServiceFixture, "resource ids: bare ids and ARNs of this cluster only", "[svc]") {
  const auto& arns = ctx->arns;
  CHECK(*svc::resource_id_of(*ctx, "default", "task", "abc") == "abc");
  CHECK(*svc::resource_id_of(*ctx, "default", "task", arns.task("default", "abc")) == "abc");
  CHECK(*svc::resource_id_of(*ctx, "default", "task", arns.prefix() + "task/abc") == "abc");  // old form
  CHECK(*svc::resource_id_of(*ctx, "default", "service", arns.service("default", "web")) == "web");
  CHECK(*svc::resource_id_of(*ctx, "default", "container-instance", arns.container_instance("default", "i1")) == "i1");
  CHECK_FALSE(svc::resource_id_of(*ctx, "default", "task", arns.task("other", "abc")).has_value());
  CHECK_FALSE(svc::resource_id_of(*ctx, "default", "task", arns.service("default", "abc")).has_value());
  CHECK_FALSE(svc::resource_id_of(*ctx, "default", "task", "arn:aws:ecs:elsewhere:000000000000:task/default/abc").has_value());
}

}  // namespace context_test
