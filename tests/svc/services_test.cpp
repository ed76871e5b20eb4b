#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

namespace services_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// The reply with each deployment's random id replaced, so it can be compared byte for byte.
std::string golden(Json reply) {
  const auto hide_ids = [](Json& service) {
    for (auto& d : service["deployments"]) d["id"] = "ecs-svc/ID";
    if (service.contains("currentServiceDeployment")) {
      const std::string arn = service["currentServiceDeployment"];
      service["currentServiceDeployment"] = arn.substr(0, arn.rfind('/') + 1) + "ID";
    }
  };
  if (reply.contains("service")) hide_ids(reply["service"]);
  if (reply.contains("services")) {
    for (auto& s : reply["services"]) hide_ids(s);
  }
  return reply.dump();
}

void register_definitions(svc::Context& ctx) {
  for (int i = 0; i < 2; ++i) {
    REQUIRE_OK(ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web","networkMode":"host",
        "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  }
}

void check_refused(svc::Context& ctx, const char* action, const char* body, Code code, const std::string& message) {
  INFO(action << " " << body);
  auto r = ecs_call(ctx, action, Json::parse(body));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  CHECK(r.error().message == message);
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "service actions: golden replies through the action table", "[svc][services]") {
  register_definitions(*ctx);
  auto created = ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1",
      "desiredCount":2,"deploymentConfiguration":{"maximumPercent":150,"minimumHealthyPercent":50,
      "deploymentCircuitBreaker":{"enable":true,"rollback":false}},
      "placementConstraints":[{"type":"distinctInstance"}],"placementStrategy":[{"type":"spread","field":"host"}],
      "healthCheckGracePeriodSeconds":30,"tags":[{"key":"team","value":"edge"}]})"));
  REQUIRE_OK(created);
  CHECK(golden(*created) ==
        R"({"service":{"clusterArn":"arn:aws:ecs:local:000000000000:cluster/default","createdAt":1700000000.0,)"
        R"("createdBy":"arn:aws:iam::000000000000:root",)"
        R"("currentServiceDeployment":"arn:aws:ecs:local:000000000000:service-deployment/default/api/ID",)"
        R"("deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":false},)"
        R"("maximumPercent":150,"minimumHealthyPercent":50},"deploymentController":{"type":"ECS"},)"
        R"("deployments":[{"createdAt":1700000000.0,"desiredCount":2,"failedTasks":0,"id":"ecs-svc/ID",)"
        R"("launchType":"EC2","pendingCount":0,"rolloutState":"IN_PROGRESS",)"
        R"("rolloutStateReason":"ECS deployment in progress.","runningCount":0,"status":"PRIMARY",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:1","updatedAt":1700000000.0}],)"
        R"("desiredCount":2,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[],)"
        R"("healthCheckGracePeriodSeconds":30,"launchType":"EC2","loadBalancers":[],"pendingCount":0,)"
        R"("placementConstraints":[{"type":"distinctInstance"}],"placementStrategy":[{"field":"host",)"
        R"("type":"spread"}],"propagateTags":"NONE","runningCount":0,"schedulingStrategy":"REPLICA",)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/default/api","serviceName":"api","serviceRegistries":[],"status":"ACTIVE",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:1"}})");

  clock.advance_ms(1500);
  auto updated = ecs_call(*ctx, "UpdateService", Json::parse(R"({"service":"api","desiredCount":3,"taskDefinition":"web:2",
      "placementConstraints":[],"healthCheckGracePeriodSeconds":0})"));
  REQUIRE_OK(updated);
  CHECK(golden(*updated) ==
        R"({"service":{"clusterArn":"arn:aws:ecs:local:000000000000:cluster/default","createdAt":1700000000.0,)"
        R"("createdBy":"arn:aws:iam::000000000000:root",)"
        R"("currentServiceDeployment":"arn:aws:ecs:local:000000000000:service-deployment/default/api/ID",)"
        R"("deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":false},)"
        R"("maximumPercent":150,"minimumHealthyPercent":50},"deploymentController":{"type":"ECS"},)"
        R"("deployments":[{"createdAt":1700000001.5,"desiredCount":3,"failedTasks":0,"id":"ecs-svc/ID",)"
        R"("launchType":"EC2","pendingCount":0,"rolloutState":"IN_PROGRESS",)"
        R"("rolloutStateReason":"ECS deployment in progress.","runningCount":0,"status":"PRIMARY",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2","updatedAt":1700000001.5},)"
        R"({"createdAt":1700000000.0,"desiredCount":2,"failedTasks":0,"id":"ecs-svc/ID","launchType":"EC2",)"
        R"("pendingCount":0,"rolloutState":"IN_PROGRESS","rolloutStateReason":"ECS deployment in progress.",)"
        R"("runningCount":0,"status":"ACTIVE",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:1","updatedAt":1700000000.0}],)"
        R"("desiredCount":3,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[],)"
        R"("launchType":"EC2","loadBalancers":[],"pendingCount":0,"placementConstraints":[],"placementStrategy":[{"field":"host",)"
        R"("type":"spread"}],"propagateTags":"NONE","runningCount":0,"schedulingStrategy":"REPLICA",)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/default/api","serviceName":"api","serviceRegistries":[],"status":"ACTIVE",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2"}})");

  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"node","taskDefinition":"web",
      "schedulingStrategy":"DAEMON"})")));
  auto described = ecs_call(*ctx, "DescribeServices", Json::parse(
      R"({"services":["api","arn:aws:ecs:local:000000000000:service/default/node","ghost",
          "arn:aws:ecs:local:000000000000:service/other/x"],"include":["TAGS"]})"));
  REQUIRE_OK(described);
  CHECK(golden(*described) ==
        R"({"failures":[{"arn":"arn:aws:ecs:local:000000000000:service/default/ghost","reason":"MISSING"},)"
        R"({"arn":"arn:aws:ecs:local:000000000000:service/other/x","reason":"MISSING"}],)"
        R"("services":[{"clusterArn":"arn:aws:ecs:local:000000000000:cluster/default","createdAt":1700000000.0,)"
        R"("createdBy":"arn:aws:iam::000000000000:root",)"
        R"("currentServiceDeployment":"arn:aws:ecs:local:000000000000:service-deployment/default/api/ID",)"
        R"("deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":false},)"
        R"("maximumPercent":150,"minimumHealthyPercent":50},"deploymentController":{"type":"ECS"},)"
        R"("deployments":[{"createdAt":1700000001.5,"desiredCount":3,"failedTasks":0,"id":"ecs-svc/ID",)"
        R"("launchType":"EC2","pendingCount":0,"rolloutState":"IN_PROGRESS",)"
        R"("rolloutStateReason":"ECS deployment in progress.","runningCount":0,"status":"PRIMARY",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2","updatedAt":1700000001.5},)"
        R"({"createdAt":1700000000.0,"desiredCount":2,"failedTasks":0,"id":"ecs-svc/ID","launchType":"EC2",)"
        R"("pendingCount":0,"rolloutState":"IN_PROGRESS","rolloutStateReason":"ECS deployment in progress.",)"
        R"("runningCount":0,"status":"ACTIVE",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:1","updatedAt":1700000000.0}],)"
        R"("desiredCount":3,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[],)"
        R"("launchType":"EC2","loadBalancers":[],"pendingCount":0,"placementConstraints":[],"placementStrategy":[{"field":"host",)"
        R"("type":"spread"}],"propagateTags":"NONE","runningCount":0,"schedulingStrategy":"REPLICA",)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/default/api","serviceName":"api","serviceRegistries":[],"status":"ACTIVE",)"
        R"("tags":[{"key":"team","value":"edge"}],)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2"},)"
        R"({"clusterArn":"arn:aws:ecs:local:000000000000:cluster/default","createdAt":1700000001.5,)"
        R"("createdBy":"arn:aws:iam::000000000000:root",)"
        R"("currentServiceDeployment":"arn:aws:ecs:local:000000000000:service-deployment/default/node/ID","deploymentConfiguration":{"maximumPercent":100,)"
        R"("minimumHealthyPercent":0},"deploymentController":{"type":"ECS"},)"
        R"("deployments":[{"createdAt":1700000001.5,"desiredCount":0,"failedTasks":0,"id":"ecs-svc/ID",)"
        R"("launchType":"EC2","pendingCount":0,"rolloutState":"IN_PROGRESS",)"
        R"("rolloutStateReason":"ECS deployment in progress.","runningCount":0,"status":"PRIMARY",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2","updatedAt":1700000001.5}],)"
        R"("desiredCount":0,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[],)"
        R"("launchType":"EC2","loadBalancers":[],"pendingCount":0,"placementConstraints":[],"placementStrategy":[],)"
        R"("propagateTags":"NONE","runningCount":0,"schedulingStrategy":"DAEMON",)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/default/node","serviceName":"node","serviceRegistries":[],)"
        R"("status":"ACTIVE","tags":[],"taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2"}]})");

  auto listed = ecs_call(*ctx, "ListServices", Json{{"maxResults", 1}});
  REQUIRE_OK(listed);
  CHECK(listed->dump() == R"({"nextToken":"c2VydmljZXMKYXBp","serviceArns":["arn:aws:ecs:local:000000000000:service/default/api"]})");
  auto rest = ecs_call(*ctx, "ListServices", Json{{"nextToken", (*listed)["nextToken"]}});
  REQUIRE_OK(rest);
  CHECK(rest->dump() == R"({"serviceArns":["arn:aws:ecs:local:000000000000:service/default/node"]})");
  auto daemons = ecs_call(*ctx, "ListServices", Json{{"schedulingStrategy", "DAEMON"}});
  REQUIRE_OK(daemons);
  CHECK(daemons->dump() == R"({"serviceArns":["arn:aws:ecs:local:000000000000:service/default/node"]})");

  auto deleted = ecs_call(*ctx, "DeleteService", Json::parse(R"({"service":"api","force":true})"));
  REQUIRE_OK(deleted);
  CHECK(golden(*deleted) ==
        R"({"service":{"clusterArn":"arn:aws:ecs:local:000000000000:cluster/default","createdAt":1700000000.0,)"
        R"("createdBy":"arn:aws:iam::000000000000:root",)"
        R"("currentServiceDeployment":"arn:aws:ecs:local:000000000000:service-deployment/default/api/ID",)"
        R"("deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":false},)"
        R"("maximumPercent":150,"minimumHealthyPercent":50},"deploymentController":{"type":"ECS"},)"
        R"("deployments":[{"createdAt":1700000001.5,"desiredCount":3,"failedTasks":0,"id":"ecs-svc/ID",)"
        R"("launchType":"EC2","pendingCount":0,"rolloutState":"IN_PROGRESS",)"
        R"("rolloutStateReason":"ECS deployment in progress.","runningCount":0,"status":"PRIMARY",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2","updatedAt":1700000001.5},)"
        R"({"createdAt":1700000000.0,"desiredCount":2,"failedTasks":0,"id":"ecs-svc/ID","launchType":"EC2",)"
        R"("pendingCount":0,"rolloutState":"IN_PROGRESS","rolloutStateReason":"ECS deployment in progress.",)"
        R"("runningCount":0,"status":"ACTIVE",)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:1","updatedAt":1700000000.0}],)"
        R"("desiredCount":0,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[],)"
        R"("launchType":"EC2","loadBalancers":[],"pendingCount":0,"placementConstraints":[],"placementStrategy":[{"field":"host",)"
        R"("type":"spread"}],"propagateTags":"NONE","runningCount":0,"schedulingStrategy":"REPLICA",)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/default/api","serviceName":"api","serviceRegistries":[],)"
        R"("status":"DRAINING","taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2"}})");
  auto after = ecs_call(*ctx, "ListServices", Json::object());
  REQUIRE_OK(after);
  CHECK(after->dump() == R"({"serviceArns":["arn:aws:ecs:local:000000000000:service/default/node"]})");
}

TEST_CASE_METHOD(ServiceFixture, "service actions refuse bad input with ECS's errors", "[svc][services]") {
  register_definitions(*ctx);
  check_refused(*ctx, "CreateService", R"({"serviceName":"a/b","taskDefinition":"web","desiredCount":1})",
                Code::invalid_parameter,
                "Service name 'a/b' is invalid: up to 255 letters (uppercase and lowercase), numbers, hyphens, and "
                "underscores are allowed.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON","desiredCount":1})",
                Code::invalid_parameter, "DAEMON services take no desiredCount.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                "placementStrategy":[{"type":"random"}]})",
                Code::invalid_parameter, "DAEMON services take no placementStrategy.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                "deploymentConfiguration":{"maximumPercent":200}})",
                Code::invalid_parameter, "DAEMON services need maximumPercent 100.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                "deploymentConfiguration":{"maximumPercent":50}})",
                Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "deploymentController":{"type":"CODE_DEPLOY"}})",
                Code::unsupported_feature, "The CODE_DEPLOY deployment controller needs AWS CodeDeploy and an Elastic Load Balancing target group; a "
                "gateway has neither. Use the EXTERNAL deployment controller and drive blue/green or canary rollouts with "
                "task sets (CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet).");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","desiredCount":1})",
                Code::invalid_parameter, "taskDefinition is required.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web"})",
                Code::invalid_parameter, "desiredCount is required for the REPLICA scheduling strategy.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":-1})",
                Code::invalid_parameter, "desiredCount must not be negative.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"nope","desiredCount":1})",
                Code::client, "Unable to find task definition 'nope'.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "deploymentConfiguration":{"minimumHealthyPercent":101}})",
                Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "deploymentConfiguration":{"maximumPercent":10001}})",
                Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "placementConstraints":[{"type":"memberOf"}]})",
                Code::invalid_parameter, "memberOf needs an expression.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "placementStrategy":[{"type":"random"},{"type":"random"},{"type":"random"},{"type":"random"},
                {"type":"random"},{"type":"random"}]})",
                Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                "tags":[{"key":"aws:x","value":"1"}]})",
                Code::invalid_parameter, "Tag key 'aws:x' uses the reserved prefix 'aws:'.");
  check_refused(*ctx, "CreateService", R"({"cluster":"ghost","serviceName":"s","taskDefinition":"web","desiredCount":1})",
                Code::cluster_not_found, "Cluster not found.");

  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1})")));
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON"})")));
  check_refused(*ctx, "CreateService", R"({"serviceName":"s","taskDefinition":"web","desiredCount":1})",
                Code::invalid_parameter,
                "Creation of service was not idempotent: a service named 's' is ACTIVE in this cluster.");
  check_refused(*ctx, "UpdateService", R"({"service":"ghost","desiredCount":1})", Code::service_not_found,
                "Service not found.");
  check_refused(*ctx, "UpdateService", R"({"service":"arn:aws:ecs:local:000000000000:task/default/s"})",
                Code::service_not_found, "Service not found.");
  check_refused(*ctx, "UpdateService", R"({"service":"s","desiredCount":-2})", Code::invalid_parameter,
                "desiredCount must not be negative.");
  check_refused(*ctx, "UpdateService", R"({"service":"d","desiredCount":2})", Code::invalid_parameter,
                "DAEMON services take no desiredCount.");
  check_refused(*ctx, "UpdateService", R"({"service":"s","taskDefinition":"nope"})", Code::client,
                "Unable to find task definition 'nope'.");
  check_refused(*ctx, "UpdateService", R"({"service":"s","deploymentConfiguration":{"minimumHealthyPercent":-1}})",
                Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  check_refused(*ctx, "UpdateService", R"({"service":"s","placementConstraints":[{"type":"memberOf"}]})",
                Code::invalid_parameter, "memberOf needs an expression.");
  check_refused(*ctx, "DeleteService", R"({"service":"s"})", Code::invalid_parameter,
                "The service cannot be stopped while it is scaled above 0: set desiredCount to 0 or use force.");
  check_refused(*ctx, "DeleteService", R"({"service":"ghost"})", Code::service_not_found, "Service not found.");
  check_refused(*ctx, "DescribeServices", R"({"services":[]})", Code::invalid_parameter,
                "DescribeServices takes 1 to 10 services.");
  check_refused(*ctx, "DescribeServices", R"({"services":["1","2","3","4","5","6","7","8","9","10","11"]})",
                Code::invalid_parameter, "DescribeServices takes 1 to 10 services.");
  check_refused(*ctx, "ListServices", R"({"nextToken":"bogus"})", Code::invalid_parameter,
                "The nextToken is not valid for this request.");
  check_refused(*ctx, "ListServices", R"({"cluster":"ghost"})", Code::cluster_not_found, "Cluster not found.");

  // A DAEMON service deletes without force; a drained one is no longer ACTIVE.
  REQUIRE_OK(ecs_call(*ctx, "DeleteService", Json::parse(R"({"service":"d"})")));
  check_refused(*ctx, "UpdateService", R"({"service":"d"})", Code::service_not_active, "Service was not ACTIVE.");
  check_refused(*ctx, "DeleteService", R"({"service":"d"})", Code::service_not_active, "Service was not ACTIVE.");
}

}  // namespace services_test
