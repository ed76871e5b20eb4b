#include "model/service_attachments.hpp"

#include <catch2/catch.hpp>

namespace service_attachments_test {

using namespace berth;
using namespace berth::model;

TEST_CASE("attachments: read as given, refused when malformed", "[model][deployments]") {
  auto read = attachments_update_of(Json::parse(R"({"loadBalancers":[{"containerName":"web","containerPort":80}],
      "serviceConnectConfiguration":{"enabled":true,"namespace":"plant"},"volumeConfigurations":[{"name":"data"}]})"));
  REQUIRE(read.has_value());
  CHECK(read->load_balancers == Json::parse(R"([{"containerName":"web","containerPort":80}])"));
  CHECK_FALSE(read->service_registries.has_value());
  CHECK((*read->service_connect_configuration)["namespace"] == "plant");

  for (const char* body : {R"({"loadBalancers":[1]})", R"({"serviceRegistries":["x"]})",
                           R"({"serviceConnectConfiguration":{"namespace":"plant"}})",
                           R"({"serviceConnectConfiguration":{"enabled":"yes"}})",
                           R"({"serviceConnectConfiguration":{"enabled":true,"namespace":7}})",
                           R"({"serviceConnectConfiguration":[]})", R"({"volumeConfigurations":[{"managedEBSVolume":{}}]})"}) {
    INFO(body);
    auto refused = attachments_update_of(Json::parse(body));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::invalid_parameter);
  }
}

TEST_CASE("attachments: applying tells whether anything changed", "[model][deployments]") {
  ServiceAttachments a;
  CHECK_FALSE(apply_attachments(a, AttachmentsUpdate{}));
  AttachmentsUpdate lb;
  lb.load_balancers = Json::array({{{"containerName", "web"}}});
  CHECK(apply_attachments(a, lb));
  CHECK_FALSE(apply_attachments(a, lb));  // the same again
  CHECK(a.load_balancers.size() == 1);
}

TEST_CASE("roleArn: a role name becomes an IAM role ARN", "[model][deployments]") {
  CHECK(role_arn_of("ecsServiceRole", "123") == "arn:aws:iam::123:role/ecsServiceRole");
  CHECK(role_arn_of("/service-role/r", "123") == "arn:aws:iam::123:role/service-role/r");
  CHECK(role_arn_of("arn:aws:iam::9:role/x", "123") == "arn:aws:iam::9:role/x");
}

TEST_CASE("Service Connect namespace: the service's own, else its cluster's default", "[model][deployments]") {
  ServiceAttachments a;
  CHECK(service_connect_namespace(a, "plant").empty());  // not given
  a.service_connect_configuration = {{"enabled", false}, {"namespace", "own"}};
  CHECK(service_connect_namespace(a, "plant").empty());  // not enabled
  a.service_connect_configuration = {{"enabled", true}};
  CHECK(service_connect_namespace(a, "plant") == "plant");
  a.service_connect_configuration = {{"enabled", true}, {"namespace", "own"}};
  CHECK(service_connect_namespace(a, "plant") == "own");
}

TEST_CASE("attachments on the wire: the service's lists always, the deployment's when given", "[model][deployments]") {
  ServiceAttachments a;
  Json service = Json::object();
  service_attachments_to_json(a, service);
  CHECK(service == Json::parse(R"({"loadBalancers":[],"serviceRegistries":[]})"));
  Json deployment = Json::object();
  deployment_attachments_to_json(a, deployment);
  CHECK(deployment == Json::object());
  a.role_arn = "arn:aws:iam::1:role/r";
  a.volume_configurations = Json::array({{{"name", "data"}}});
  a.service_connect_configuration = {{"enabled", true}};
  service_attachments_to_json(a, service);
  CHECK(service["roleArn"] == "arn:aws:iam::1:role/r");
  CHECK_FALSE(service.contains("volumeConfigurations"));
  deployment_attachments_to_json(a, deployment);
  CHECK(deployment["volumeConfigurations"].size() == 1);
  CHECK(deployment["serviceConnectConfiguration"]["enabled"] == true);
  CHECK_FALSE(deployment.contains("roleArn"));
}

}  // namespace service_attachments_test
