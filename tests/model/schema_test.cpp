#include "model/schema.hpp"

#include <catch2/catch.hpp>

#include "api/ecs_actions.hpp"

namespace schema_test {

using namespace berth;
using namespace berth::model;

namespace {
Result<void> check(const char* action, Json body) {
  const api::EcsAction* served = api::find_ecs_action(action);
  REQUIRE(served != nullptr);
  return check_shape(body, *served->shape);
}
}  // namespace

TEST_CASE("shape check: a wrong JSON type is a SerializationException naming the path", "[model]") {
  auto r = check("RegisterTaskDefinition",
                 Json::parse(R"({"family":"f","containerDefinitions":[{"name":"a","cpu":"100"}]})"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Code::serialization);
  CHECK(r.error().message.find("containerDefinitions[0].cpu") != std::string::npos);
}

TEST_CASE("shape check: unknown members, missing required ones and enums", "[model]") {
  auto unknown = check("CreateCluster", Json{{"clusterName", "a"}, {"clusterNmae", "b"}});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Code::invalid_parameter);
  CHECK(unknown.error().message.find("clusterNmae") != std::string::npos);

  auto missing = check("RegisterTaskDefinition", Json{{"family", "f"}});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("containerDefinitions") != std::string::npos);

  auto bad_enum = check("RegisterTaskDefinition",
                        Json::parse(R"({"family":"f","networkMode":"nat","containerDefinitions":[]})"));
  REQUIRE_FALSE(bad_enum.has_value());
  CHECK(bad_enum.error().message.find("networkMode") != std::string::npos);
}

TEST_CASE("shape check: integer ranges and fractional numbers", "[model]") {
  auto too_many = check("ListClusters", Json{{"maxResults", 101}});
  REQUIRE_FALSE(too_many.has_value());
  CHECK(too_many.error().code == Code::invalid_parameter);
  CHECK_FALSE(check("ListClusters", Json{{"maxResults", 1.5}}).has_value());
  CHECK(check("ListClusters", Json{{"maxResults", 100}}).has_value());
}

TEST_CASE("shape check: null members are dropped as 'not set'", "[model]") {
  Json body = Json::parse(R"({"clusterName":null,"tags":null})");
  REQUIRE(check_shape(body, *api::find_ecs_action("CreateCluster")->shape).has_value());
  CHECK(body.empty());
}

TEST_CASE("shape check: every served action has a shape and nested maps are typed", "[model]") {
  CHECK(api::find_ecs_action("DescribeTaskDefinition") != nullptr);
  CHECK(api::find_ecs_action("NoSuchAction") == nullptr);
  auto labels = check("RegisterTaskDefinition",
                      Json::parse(R"({"family":"f","containerDefinitions":[{"name":"a","dockerLabels":{"k":1}}]})"));
  REQUIRE_FALSE(labels.has_value());
  CHECK(labels.error().message.find("dockerLabels.k") != std::string::npos);
}

}  // namespace schema_test
