#include "api/dispatch.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {
std::string target(const char* action) { return std::string(api::k_target_prefix) + action; }
Json body_of(const api::Reply& reply) { return Json::parse(reply.body); }
}  // namespace

TEST_CASE_METHOD(ServiceFixture, "dispatch: errors are ECS-shaped and change nothing", "[api]") {
  const auto families = [&] {
    return body_of(api::handle_ecs_request(*ctx, target("ListTaskDefinitionFamilies"), R"({"status":"ALL"})"));
  };
  const Json before = families();

  auto unknown = api::handle_ecs_request(*ctx, target("LaunchRockets"), "{}");
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown)["__type"] == "UnknownOperationException");

  auto no_target = api::handle_ecs_request(*ctx, "", "{}");
  CHECK(body_of(no_target)["__type"] == "UnknownOperationException");

  auto malformed = api::handle_ecs_request(*ctx, target("RegisterTaskDefinition"), R"({"family": "x",)");
  CHECK(malformed.status == 400);
  CHECK(body_of(malformed)["__type"] == "SerializationException");

  auto not_object = api::handle_ecs_request(*ctx, target("ListClusters"), "[1,2]");
  CHECK(body_of(not_object)["__type"] == "SerializationException");

  auto wrong_type = api::handle_ecs_request(*ctx, target("RegisterTaskDefinition"),
                                            R"({"family":"x","containerDefinitions":"webapp"})");
  CHECK(body_of(wrong_type)["__type"] == "SerializationException");
  CHECK(body_of(wrong_type)["message"].get<std::string>().find("containerDefinitions") != std::string::npos);

  auto invalid = api::handle_ecs_request(*ctx, target("RegisterTaskDefinition"),
                                         R"({"family":"x","containerDefinitions":[{"name":"a","image":"b"}]})");
  CHECK(invalid.status == 400);
  CHECK(body_of(invalid)["__type"] == "ClientException");

  auto bad_utf8 = api::handle_ecs_request(*ctx, target("CreateCluster"), "{\"clusterName\":\"\xff\"}");
  CHECK(body_of(bad_utf8)["__type"] == "SerializationException");

  CHECK(families() == before);
}

TEST_CASE_METHOD(ServiceFixture, "dispatch: success is a 200 with the action's body", "[api]") {
  auto reply = api::handle_ecs_request(*ctx, target("ListClusters"), "");
  CHECK(reply.status == 200);
  CHECK(body_of(reply)["clusterArns"][0] == ctx->arns.cluster("default"));
}

TEST_CASE("error replies: status by exception kind", "[api]") {
  CHECK(api::error_reply({Code::server, "x"}).status == 500);
  CHECK(api::error_reply({Code::payload_too_large, "x"}).status == 413);
  auto r = api::error_reply({Code::cluster_not_found, "Cluster not found."});
  CHECK(r.status == 400);
  CHECK(body_of(r) == Json{{"__type", "ClusterNotFoundException"}, {"message", "Cluster not found."}});
}
