#include "api/ecs_actions.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"

namespace ecs_actions_test {

using namespace berth;

TEST_CASE("ECS actions: one sorted row each, every row complete", "[api]") {
  const auto actions = api::ecs_actions();
  // Every action of botocore's ECS model, served or refused; test_api_coverage.py checks the names.
  REQUIRE(actions.size() == 77);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    INFO(actions[i].name);
    CHECK(actions[i].shape != nullptr);
    CHECK(actions[i].run != nullptr);
    if (i > 0) CHECK(actions[i - 1].name < actions[i].name);
    CHECK(api::find_ecs_action(actions[i].name) == &actions[i]);
  }
  CHECK(api::find_ecs_action("LaunchRockets") == nullptr);
  CHECK(api::find_ecs_action("") == nullptr);
  CHECK(api::find_ecs_action("createCluster") == nullptr);
}

TEST_CASE("ECS actions: a refused action answers its ECS error and says why", "[api]") {
  testing::ServiceFixture f;
  const auto reply = testing::ecs_call(*f.ctx, "CreateExpressGatewayService", {{"serviceName", "web"}});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == Code::unsupported_feature);
  CHECK(reply.error().message.find("Fargate") != std::string::npos);
}

TEST_CASE("ECS actions: UpdateContainerAgent is refused, berth being updated through its package", "[api]") {
  testing::ServiceFixture f;
  const auto reply = testing::ecs_call(*f.ctx, "UpdateContainerAgent", {{"containerInstance", "0f"}});
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error().code == Code::unsupported_feature);
  CHECK(reply.error().message.find("updated through its package") != std::string::npos);
}

}  // namespace ecs_actions_test
