#include "api/dispatch.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

namespace dispatch_test {

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

TEST_CASE_METHOD(ServiceFixture, "dispatch: a body nested 75,000 levels deep is a SerializationException", "[api]") {
  auto registered = api::handle_ecs_request(*ctx, target("RegisterTaskDefinition"), berth::testing::make_task_def("web").dump());
  REQUIRE(registered.status == 200);
  // The free-form deploymentConfiguration.alarms reached a recursive copy in CreateService.
  const std::string levels(75000, '[');
  const std::string deep = R"({"serviceName":"s","taskDefinition":"web","desiredCount":0,"deploymentConfiguration":{"alarms":)" +
                           levels + std::string(75000, ']') + "}}";
  auto reply = api::handle_ecs_request(*ctx, target("CreateService"), deep);
  CHECK(reply.status == 400);
  CHECK(body_of(reply)["__type"] == "SerializationException");
  CHECK(body_of(reply)["message"] == "The request body is nested more than 64 levels deep.");
  auto services = api::handle_ecs_request(*ctx, target("ListServices"), "{}");
  CHECK(body_of(services)["serviceArns"].empty());
}

TEST_CASE_METHOD(ServiceFixture, "dispatch: every action taking a task definition reports a bad family or revision as ECS", "[api]") {
  REQUIRE(api::handle_ecs_request(*ctx, target("RegisterTaskDefinition"), berth::testing::make_task_def("web").dump()).status == 200);
  const std::pair<const char*, std::string> requests[] = {
      {"DescribeTaskDefinition", R"({"taskDefinition":"%s"})"},
      {"DeregisterTaskDefinition", R"({"taskDefinition":"%s"})"},
      {"RunTask", R"({"taskDefinition":"%s"})"},
      {"StartTask", R"({"taskDefinition":"%s","containerInstances":["x"]})"},
      {"CreateService", R"({"serviceName":"s","taskDefinition":"%s","desiredCount":1})"},
      {"UpdateService", R"({"service":"s","taskDefinition":"%s"})"},
  };
  REQUIRE(api::handle_ecs_request(*ctx, target("CreateService"), R"({"serviceName":"s","taskDefinition":"web","desiredCount":0})").status == 200);
  for (const auto& [action, pattern] : requests) {
    const auto with = [&pattern](const std::string& ref) {
      std::string body = pattern;
      return body.replace(body.find("%s"), 2, ref);
    };
    INFO(action);
    auto revision = body_of(api::handle_ecs_request(*ctx, target(action), with("web:foo")));
    CHECK(revision["__type"] == "InvalidParameterException");
    CHECK(revision["message"] == "Invalid revision number. Number: foo");
    auto family = body_of(api::handle_ecs_request(*ctx, target(action), with("bad/family:1")));
    CHECK(family["__type"] == "ClientException");
    CHECK(family["message"] == "Family contains invalid characters.");
  }
  // DeleteTaskDefinitions reports each reference as a failure, with the same words.
  auto deleted = body_of(api::handle_ecs_request(*ctx, target("DeleteTaskDefinitions"), R"({"taskDefinitions":["web:foo","b@d:1"]})"));
  REQUIRE(deleted["failures"].size() == 2);
  CHECK(deleted["failures"][0]["reason"] == "Invalid revision number. Number: foo");
  CHECK(deleted["failures"][1]["reason"] == "Family contains invalid characters.");
}

}  // namespace dispatch_test
