// Application Auto Scaling through the HTTP routes: its X-Amz-Target prefix, its error names.
#include "api/scaling_dispatch.hpp"

#include <catch2/catch.hpp>

#include "api/http_routes.hpp"
#include "fixtures/fixtures.hpp"

namespace scaling_dispatch_test {

using namespace berth;
using berth::testing::Json;

namespace {

struct ScalingRoutesFixture : berth::testing::ServiceFixture {
  api::auth::KeyRing keys{*ctx};
  api::RequestAuth auth{keys, clock, {api::TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"}};
  api::ApiServices services{*ctx, auth};
  api::HttpPeer root_on_socket{api::HttpPeer::Transport::unix_socket, "", false, api::PeerCredentials{1, 0, 0, {}}};

  api::HttpResponse post(const std::string& action, const std::string& body) {
    api::HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers = {{"x-amz-target", std::string(api::k_scaling_target_prefix) + action}};
    r.body = body;
    return api::route_request(services, r, root_on_socket);
  }
};

std::string type_of(const api::HttpResponse& response) { return Json::parse(response.body).value("__type", ""); }

}  // namespace

TEST_CASE_METHOD(ScalingRoutesFixture, "scaling dispatch: routed by its target prefix, with its own error names",
                 "[api][scaling]") {
  const auto empty = post("DescribeScalableTargets", R"({"ServiceNamespace":"ecs"})");
  CHECK(empty.status == 200);
  CHECK(Json::parse(empty.body) == Json{{"ScalableTargets", Json::array()}});
  const auto namespace_refused = post("DescribeScalableTargets", R"({"ServiceNamespace":"rds"})");
  CHECK(namespace_refused.status == 400);
  CHECK(type_of(namespace_refused) == "ValidationException");
  CHECK(Json::parse(namespace_refused.body)["Message"].get<std::string>().find("must be ecs") != std::string::npos);
  // A shape error is a ValidationException too; a body that is not JSON stays SerializationException.
  CHECK(type_of(post("DescribeScalableTargets", R"({"ServiceNamespace":"ecs","MaxResults":51})")) == "ValidationException");
  CHECK(type_of(post("DescribeScalableTargets", "{")) == "SerializationException");
  const auto not_found = post("DeregisterScalableTarget",
                              R"({"ServiceNamespace":"ecs","ResourceId":"service/default/web",)"
                              R"("ScalableDimension":"ecs:service:DesiredCount"})");
  CHECK(not_found.status == 400);
  CHECK(type_of(not_found) == "ObjectNotFoundException");
  CHECK(type_of(post("PutLifecycleHook", "{}")) == "UnknownOperationException");
}

TEST_CASE("scaling dispatch: error names", "[api][scaling]") {
  const auto name_of = [](Code code) { return api::scaling_error({code, "m"}).error_type; };
  CHECK(name_of(Code::invalid_parameter) == "ValidationException");
  CHECK(name_of(Code::validation) == "ValidationException");
  CHECK(name_of(Code::resource_not_found) == "ObjectNotFoundException");
  CHECK(name_of(Code::conflict) == "ConcurrentUpdateException");
  CHECK(name_of(Code::limit_exceeded) == "LimitExceededException");
  CHECK(name_of(Code::server) == "InternalServiceException");
  CHECK(api::scaling_error({Code::server, "m"}).status == 500);
  CHECK(name_of(Code::serialization) == "SerializationException");
}

}  // namespace scaling_dispatch_test
