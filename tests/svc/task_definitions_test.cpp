#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "model/request_shapes.hpp"
#include "svc/actions.hpp"

namespace task_definitions_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::make_task_def;
using berth::testing::ServiceFixture;

TEST_CASE_METHOD(ServiceFixture, "task definition lifecycle: register, describe, deregister, delete", "[svc]") {
  auto r1 = berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", make_task_def());
  REQUIRE_OK(r1);
  clock.advance_ms(1500);
  auto r2 = berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", make_task_def());
  REQUIRE_OK(r2);
  CHECK((*r2)["taskDefinition"]["revision"] == 2);
  CHECK((*r2)["taskDefinition"]["registeredAt"].get<double>() == Approx(1'700'000'001.5));

  for (const std::string& ref : std::vector<std::string>{"python-app", "python-app:2", ctx->arns.task_definition("python-app", 2)}) {
    auto d = berth::testing::ecs_call(*ctx, "DescribeTaskDefinition", Json{{"taskDefinition", ref}});
    REQUIRE_OK(d);
    CHECK((*d)["taskDefinition"]["revision"] == 2);
  }

  auto not_deleted = berth::testing::ecs_call(*ctx, "DeleteTaskDefinitions", Json{{"taskDefinitions", {"python-app:1"}}});
  REQUIRE_OK(not_deleted);
  CHECK((*not_deleted)["failures"].size() == 1);

  auto no_revision = berth::testing::ecs_call(*ctx, "DeregisterTaskDefinition", Json{{"taskDefinition", "python-app"}});
  REQUIRE_FALSE(no_revision.has_value());
  CHECK(no_revision.error().code == Code::client);

  auto dereg = berth::testing::ecs_call(*ctx, "DeregisterTaskDefinition", Json{{"taskDefinition", "python-app:2"}});
  REQUIRE_OK(dereg);
  CHECK((*dereg)["taskDefinition"]["status"] == "INACTIVE");
  CHECK((*dereg)["taskDefinition"].contains("deregisteredAt"));
  auto latest = berth::testing::ecs_call(*ctx, "DescribeTaskDefinition", Json{{"taskDefinition", "python-app"}});
  CHECK((*latest)["taskDefinition"]["revision"] == 1);

  auto deleted = berth::testing::ecs_call(*ctx, "DeleteTaskDefinitions", Json{{"taskDefinitions", {"python-app:2", "python-app:9"}}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["taskDefinitions"][0]["status"] == "DELETE_IN_PROGRESS");
  CHECK((*deleted)["failures"][0]["arn"] == "python-app:9");

  auto families = berth::testing::ecs_call(*ctx, "ListTaskDefinitionFamilies", Json{{"status", "ALL"}});
  CHECK((*families)["families"] == Json::array({"python-app"}));
  auto inactive = berth::testing::ecs_call(*ctx, "ListTaskDefinitions", Json{{"status", "DELETE_IN_PROGRESS"}});
  CHECK((*inactive)["taskDefinitionArns"].size() == 1);
}

TEST_CASE_METHOD(ServiceFixture, "describing what does not exist is a ClientException", "[svc]") {
  auto r = berth::testing::ecs_call(*ctx, "DescribeTaskDefinition", Json{{"taskDefinition", "ghost"}});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Code::client);
}

TEST_CASE_METHOD(ServiceFixture, "tags on task definitions and clusters", "[svc]") {
  Json td = make_task_def();
  td["tags"] = Json::parse(R"([{"key":"team","value":"edge"}])");
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", td));
  const std::string arn = ctx->arns.task_definition("python-app", 1);
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "TagResource", Json::parse(R"({"resourceArn":")" + arn + R"(","tags":[{"key":"tier","value":"1"}]})")));
  auto listed = berth::testing::ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", arn}});
  REQUIRE_OK(listed);
  CHECK((*listed)["tags"].size() == 2);
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UntagResource", Json{{"resourceArn", arn}, {"tagKeys", {"team"}}}));
  auto described = berth::testing::ecs_call(*ctx, "DescribeTaskDefinition", Json{{"taskDefinition", arn}, {"include", {"TAGS"}}});
  CHECK((*described)["tags"] == Json::parse(R"([{"key":"tier","value":"1"}])"));

  auto missing = berth::testing::ecs_call(*ctx, "TagResource", Json::parse(R"({"resourceArn":")" + ctx->arns.cluster("ghost") +
                                                    R"(","tags":[{"key":"a","value":"b"}]})"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::cluster_not_found);
  auto not_arn = berth::testing::ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", "default"}});
  REQUIRE_FALSE(not_arn.has_value());
  CHECK(not_arn.error().code == Code::invalid_parameter);
}

}  // namespace task_definitions_test
