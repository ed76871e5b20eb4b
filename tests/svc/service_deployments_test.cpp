#include "svc/service_deployments.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"
#include "svc/service_scheduler.hpp"

namespace service_deployments_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_ecs = "arn:aws:ecs:local:000000000000:";

void register_definitions(svc::Context& ctx, int count) {
  for (int i = 0; i < count; ++i) {
    REQUIRE_OK(ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web","networkMode":"host",
        "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  }
}

Json call(svc::Context& ctx, std::string_view action, const Json& body) {
  auto r = ecs_call(ctx, action, body);
  REQUIRE_OK(r);
  return *r;
}

void check_error(svc::Context& ctx, std::string_view action, const Json& body, Code code, const std::string& message) {
  INFO(action << " " << body.dump());
  auto r = ecs_call(ctx, action, body);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  CHECK(r.error().message == message);
}

Json list(svc::Context& ctx, Json body = {{"service", "api"}}) { return call(ctx, "ListServiceDeployments", body); }

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "service deployments: created, superseded, described, rolled back", "[svc][deployments]") {
  register_definitions(*ctx, 3);
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1","desiredCount":1,
      "role":"ecsServiceRole","loadBalancers":[{"containerName":"main","containerPort":80,"targetGroupArn":"tg"}]})"));
  auto listed = list(*ctx);
  REQUIRE(listed["serviceDeployments"].size() == 1);
  const Json first = listed["serviceDeployments"][0];
  CHECK(first["status"] == "PENDING");
  CHECK(first["createdAt"] == 1700000000.0);
  CHECK(first["serviceArn"] == k_ecs + "service/default/api");
  CHECK_FALSE(first.contains("startedAt"));

  // The service keeps what it was given and shows it.
  const Json service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  CHECK(service["roleArn"] == "arn:aws:iam::000000000000:role/ecsServiceRole");
  CHECK(service["loadBalancers"][0]["targetGroupArn"] == "tg");
  CHECK(service["serviceRegistries"] == Json::array());

  // A new definition is a new deployment: the first is stopped, its revision the source.
  clock.advance_ms(60'000);
  call(*ctx, "UpdateService", {{"service", "api"}, {"taskDefinition", "web:2"}});
  listed = list(*ctx);
  REQUIRE(listed["serviceDeployments"].size() == 2);
  const Json second = listed["serviceDeployments"][0];
  CHECK(listed["serviceDeployments"][1]["status"] == "STOPPED");
  const Json described = call(*ctx, "DescribeServiceDeployments",
                              {{"serviceDeploymentArns", {second["serviceDeploymentArn"], k_ecs + "service-deployment/default/api/404"}}});
  REQUIRE(described["serviceDeployments"].size() == 1);
  const Json d = described["serviceDeployments"][0];
  CHECK(d["status"] == "PENDING");
  CHECK(d["targetServiceRevision"]["arn"] == second["targetServiceRevisionArn"]);
  CHECK(d["targetServiceRevision"]["requestedTaskCount"] == 1);
  REQUIRE(d["sourceServiceRevisions"].size() == 1);
  CHECK(d["sourceServiceRevisions"][0]["arn"] == first["targetServiceRevisionArn"]);
  CHECK(d["deploymentCircuitBreaker"]["status"] == "DISABLED");
  CHECK(described["failures"] == Json::parse(R"([{"arn":")" + k_ecs + R"(service-deployment/default/api/404","reason":"MISSING"}])"));

  const Json revisions = call(*ctx, "DescribeServiceRevisions",
                              {{"serviceRevisionArns", {first["targetServiceRevisionArn"], second["targetServiceRevisionArn"]}}});
  REQUIRE(revisions["serviceRevisions"].size() == 2);
  CHECK(revisions["serviceRevisions"][0]["taskDefinition"] == k_ecs + "task-definition/web:1");
  CHECK(revisions["serviceRevisions"][0]["loadBalancers"][0]["containerPort"] == 80);
  CHECK(revisions["serviceRevisions"][1]["taskDefinition"] == k_ecs + "task-definition/web:2");

  // Stopping it rolls back to web:1 through a new PRIMARY deployment.
  clock.advance_ms(1000);
  const Json stopped = call(*ctx, "StopServiceDeployment", {{"serviceDeploymentArn", second["serviceDeploymentArn"]}});
  CHECK(stopped["serviceDeploymentArn"] == second["serviceDeploymentArn"]);
  const Json after = call(*ctx, "DescribeServiceDeployments", {{"serviceDeploymentArns", {second["serviceDeploymentArn"]}}});
  const Json rolled = after["serviceDeployments"][0];
  CHECK(rolled["status"] == "ROLLBACK_REQUESTED");
  CHECK(rolled["rollback"]["serviceRevisionArn"] == first["targetServiceRevisionArn"]);
  CHECK(rolled["rollback"]["reason"] == "Rollback requested by StopServiceDeployment.");
  const Json now = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  CHECK(now["taskDefinition"] == k_ecs + "task-definition/web:1");
  CHECK(now["deployments"].size() == 3);
  CHECK(now["events"][0]["message"].get<std::string>().starts_with("(service api) rolling back service deployment"));
  // Asking again goes on rolling back; the stopped first deployment cannot be stopped.
  call(*ctx, "StopServiceDeployment", {{"serviceDeploymentArn", second["serviceDeploymentArn"]}, {"stopType", "ROLLBACK"}});
  CHECK(call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0]["deployments"].size() == 3);
  check_error(*ctx, "StopServiceDeployment", {{"serviceDeploymentArn", first["serviceDeploymentArn"]}}, Code::conflict,
              "The service deployment is STOPPED and cannot be stopped.");
  // The rollback is no new service deployment.
  CHECK(list(*ctx)["serviceDeployments"].size() == 2);
}

TEST_CASE_METHOD(ServiceFixture, "service deployments: filters, pages and the fake clock", "[svc][deployments]") {
  register_definitions(*ctx, 1);
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1","desiredCount":0})"));
  for (int i = 0; i < 4; ++i) {
    clock.advance_ms(10'000);
    call(*ctx, "UpdateService", {{"service", "api"}, {"forceNewDeployment", true}});
  }
  auto all = list(*ctx);
  REQUIRE(all["serviceDeployments"].size() == 5);
  CHECK(all["serviceDeployments"][0]["createdAt"] == 1700000040.0);  // newest first
  CHECK(list(*ctx, {{"service", "api"}, {"status", {"PENDING"}}})["serviceDeployments"].size() == 1);
  CHECK(list(*ctx, {{"service", "api"}, {"status", {"STOPPED", "SUCCESSFUL"}}})["serviceDeployments"].size() == 4);
  CHECK(list(*ctx, {{"service", "api"}, {"createdAt", {{"after", 1700000020}}}})["serviceDeployments"].size() == 3);
  CHECK(list(*ctx, {{"service", "api"}, {"createdAt", {{"before", 1700000010}}}})["serviceDeployments"].size() == 2);
  CHECK(list(*ctx, {{"service", "api"}, {"createdAt", {{"after", 1700000011}, {"before", 1700000029}}}})["serviceDeployments"].size() == 1);

  std::vector<std::string> paged;
  Json request{{"service", k_ecs + "service/default/api"}, {"maxResults", 2}};
  for (int page = 0; page < 5; ++page) {
    const Json reply = list(*ctx, request);
    for (const auto& d : reply["serviceDeployments"]) paged.push_back(d["serviceDeploymentArn"]);
    if (!reply.contains("nextToken")) break;
    request["nextToken"] = reply["nextToken"];
  }
  REQUIRE(paged.size() == 5);
  for (std::size_t i = 0; i < paged.size(); ++i) CHECK(paged[i] == all["serviceDeployments"][i]["serviceDeploymentArn"]);
}

TEST_CASE_METHOD(ServiceFixture, "service deployments: ECS's errors", "[svc][deployments]") {
  register_definitions(*ctx, 1);
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1","desiredCount":1})"));
  const std::string arn = list(*ctx)["serviceDeployments"][0]["serviceDeploymentArn"];

  check_error(*ctx, "ListServiceDeployments", {{"service", "nope"}}, Code::service_not_found, "Service not found.");
  check_error(*ctx, "ListServiceDeployments", {{"service", "api"}, {"cluster", "nope"}}, Code::cluster_not_found,
              "Cluster not found.");
  for (const std::string& bad : std::vector<std::string>{"api", k_ecs + "service-deployment/default/api/1", k_ecs + "service-deployment/default/nope/1",
                                "arn:aws:ecs:eu-west-1:000000000000:service-deployment/default/api/1"}) {
    check_error(*ctx, "StopServiceDeployment", {{"serviceDeploymentArn", bad}}, Code::service_deployment_not_found,
                "The service deployment was not found.");
    check_error(*ctx, "ContinueServiceDeployment", {{"serviceDeploymentArn", bad}, {"hookId", "h"}},
                Code::service_deployment_not_found, "The service deployment was not found.");
  }
  // The first deployment has no earlier revision to return to.
  check_error(*ctx, "StopServiceDeployment", {{"serviceDeploymentArn", arn}}, Code::conflict,
              "The service deployment has no previous service revision to roll back to.");
  check_error(*ctx, "ContinueServiceDeployment", {{"serviceDeploymentArn", arn}, {"hookId", "h-1"}}, Code::invalid_parameter,
              "The service deployment has no lifecycle hook h-1 awaiting an action: berth runs rolling deployments, which "
              "have no lifecycle hooks. Use StopServiceDeployment to roll back.");
  check_error(*ctx, "DescribeServiceRevisions", {{"serviceRevisionArns", Json::array()}}, Code::invalid_parameter,
              "serviceRevisionArns takes 1 to 20 ARNs; 0 were given.");
  const Json missing = call(*ctx, "DescribeServiceRevisions", {{"serviceRevisionArns", {"web:1"}}});
  CHECK(missing["failures"][0]["reason"] == "MISSING");

  // A deleted service's deployments are gone, as ECS deletes them.
  call(*ctx, "DeleteService", {{"service", "api"}, {"force", true}});
  REQUIRE_OK(store->replace_service([&] {
    auto s = *store->find_service("default", "api").value();
    s.status = model::ServiceStatus::inactive;
    return s;
  }(), store->find_service("default", "api").value()->version));
  const Json gone = call(*ctx, "DescribeServiceDeployments", {{"serviceDeploymentArns", {arn}}});
  CHECK(gone["serviceDeployments"].empty());
  CHECK(gone["failures"][0]["arn"] == arn);
}

TEST_CASE_METHOD(ServiceFixture, "UpdateService: changed attachments start a new deployment; the same ones do not",
                 "[svc][deployments]") {
  register_definitions(*ctx, 1);
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1","desiredCount":0,
      "serviceRegistries":[{"registryArn":"r1"}]})"));
  call(*ctx, "UpdateService", Json::parse(R"({"service":"api","serviceRegistries":[{"registryArn":"r1"}]})"));
  CHECK(list(*ctx)["serviceDeployments"].size() == 1);
  call(*ctx, "UpdateService", Json::parse(R"({"service":"api","serviceRegistries":[{"registryArn":"r2"}],
      "volumeConfigurations":[{"name":"data","managedEBSVolume":{"roleArn":"x","sizeInGiB":1}}]})"));
  const Json listed = list(*ctx);
  REQUIRE(listed["serviceDeployments"].size() == 2);
  const Json revision = call(*ctx, "DescribeServiceRevisions",
                             {{"serviceRevisionArns", {listed["serviceDeployments"][0]["targetServiceRevisionArn"]}}});
  CHECK(revision["serviceRevisions"][0]["serviceRegistries"][0]["registryArn"] == "r2");
  CHECK(revision["serviceRevisions"][0]["volumeConfigurations"][0]["name"] == "data");
  const Json service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  // ECS shows them on the deployment that runs them.
  CHECK(service["deployments"][0]["volumeConfigurations"][0]["managedEBSVolume"]["sizeInGiB"] == 1);
  CHECK_FALSE(service["deployments"][1].contains("volumeConfigurations"));
  CHECK_FALSE(service.contains("volumeConfigurations"));
  check_error(*ctx, "UpdateService", Json::parse(R"({"service":"api","serviceConnectConfiguration":{"namespace":"n"}})"),
              Code::invalid_parameter, "serviceConnectConfiguration.enabled must be given as true or false.");
}

TEST_CASE_METHOD(ServiceFixture, "ListServicesByNamespace: the services of every cluster using it", "[svc][deployments]") {
  register_definitions(*ctx, 1);
  call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"plant","serviceConnectDefaults":{"namespace":"shop"}})"));
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"own","taskDefinition":"web:1","desiredCount":0,
      "serviceConnectConfiguration":{"enabled":true,"namespace":"shop"}})"));
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"off","taskDefinition":"web:1","desiredCount":0,
      "serviceConnectConfiguration":{"enabled":false,"namespace":"shop"}})"));
  call(*ctx, "CreateService", Json::parse(R"({"cluster":"plant","serviceName":"inherits","taskDefinition":"web:1",
      "desiredCount":0,"serviceConnectConfiguration":{"enabled":true}})"));
  call(*ctx, "CreateService", Json::parse(R"({"cluster":"plant","serviceName":"other","taskDefinition":"web:1",
      "desiredCount":0,"serviceConnectConfiguration":{"enabled":true,"namespace":"lab"}})"));

  const Json all = call(*ctx, "ListServicesByNamespace", {{"namespace", "shop"}});
  CHECK(all["serviceArns"] == Json({k_ecs + "service/default/own", k_ecs + "service/plant/inherits"}));
  const Json first = call(*ctx, "ListServicesByNamespace", {{"namespace", "shop"}, {"maxResults", 1}});
  CHECK(first["serviceArns"] == Json({k_ecs + "service/default/own"}));
  REQUIRE(first.contains("nextToken"));
  const Json rest = call(*ctx, "ListServicesByNamespace", {{"namespace", "shop"}, {"nextToken", first["nextToken"]}});
  CHECK(rest["serviceArns"] == Json({k_ecs + "service/plant/inherits"}));
  CHECK_FALSE(rest.contains("nextToken"));
  CHECK(call(*ctx, "ListServicesByNamespace", {{"namespace", "lab"}})["serviceArns"].size() == 1);
  check_error(*ctx, "ListServicesByNamespace", {{"namespace", "nowhere"}}, Code::namespace_not_found, "Namespace not found.");

  // Cloud Map's ARN names the namespace too, in this Region and account: berth takes its id for the name.
  const std::string shop_arn = "arn:aws:servicediscovery:local:000000000000:namespace/shop";
  CHECK(call(*ctx, "ListServicesByNamespace", {{"namespace", shop_arn}})["serviceArns"] == all["serviceArns"]);
  call(*ctx, "CreateService", Json{{"serviceName", "by-arn"}, {"taskDefinition", "web:1"}, {"desiredCount", 0},
                                   {"serviceConnectConfiguration", {{"enabled", true}, {"namespace", shop_arn}}}});
  CHECK(call(*ctx, "ListServicesByNamespace", {{"namespace", "shop"}})["serviceArns"] ==
        Json({k_ecs + "service/default/by-arn", k_ecs + "service/default/own", k_ecs + "service/plant/inherits"}));
  check_error(*ctx, "ListServicesByNamespace", {{"namespace", "arn:aws:servicediscovery:local:111111111111:namespace/shop"}},
              Code::namespace_not_found, "Namespace not found.");
  // A deleted service leaves the list; a namespace that only a cluster names is known, and empty.
  call(*ctx, "DeleteService", {{"service", "by-arn"}, {"force", true}});
  CHECK(call(*ctx, "ListServicesByNamespace", {{"namespace", shop_arn}})["serviceArns"] == all["serviceArns"]);
  call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"empty","serviceConnectDefaults":{"namespace":"quiet"}})"));
  const Json quiet = call(*ctx, "ListServicesByNamespace", {{"namespace", "quiet"}});
  CHECK(quiet["serviceArns"] == Json::array());
  CHECK_FALSE(quiet.contains("nextToken"));
}

TEST_CASE_METHOD(ServiceFixture, "DescribeServices: currentServiceDeployment and currentServiceRevisions", "[svc][deployments]") {
  register_definitions(*ctx, 2);
  call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
      {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})"));
  call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"web:1","desiredCount":2})"));
  Json service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  const std::string first = list(*ctx)["serviceDeployments"][0]["serviceDeploymentArn"];
  CHECK(service["currentServiceDeployment"] == first);
  CHECK_FALSE(service.contains("currentServiceRevisions"));  // no tasks yet

  svc::ServiceScheduler(*ctx).pass();
  service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  const std::string first_revision = list(*ctx)["serviceDeployments"][0]["targetServiceRevisionArn"];
  CHECK(service["currentServiceRevisions"] ==
        Json::array({{{"arn", first_revision}, {"requestedTaskCount", 2}, {"runningTaskCount", 0}, {"pendingTaskCount", 2}}}));

  // A new deployment is the current one at once; until it has tasks, only the old revision has.
  clock.advance_ms(60'000);
  call(*ctx, "UpdateService", {{"service", "api"}, {"taskDefinition", "web:2"}});
  service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  const Json newest = list(*ctx)["serviceDeployments"][0];
  CHECK(service["currentServiceDeployment"] == newest["serviceDeploymentArn"]);
  REQUIRE(service["currentServiceRevisions"].size() == 1);
  CHECK(service["currentServiceRevisions"][0]["arn"] == first_revision);
  // The old tasks never ran, so the rollout replaces them: then only the new revision has tasks.
  svc::ServiceScheduler(*ctx).pass();
  service = call(*ctx, "DescribeServices", {{"services", {"api"}}})["services"][0];
  CHECK(service["currentServiceRevisions"] ==
        Json::array({{{"arn", newest["targetServiceRevisionArn"]}, {"requestedTaskCount", 2}, {"runningTaskCount", 0},
                      {"pendingTaskCount", 2}}}));
  // The ARN leads to the deployment.
  const Json described = call(*ctx, "DescribeServiceDeployments",
                              {{"serviceDeploymentArns", {service["currentServiceDeployment"]}}});
  REQUIRE(described["serviceDeployments"].size() == 1);
  CHECK(described["serviceDeployments"][0]["targetServiceRevision"]["arn"] == newest["targetServiceRevisionArn"]);
}

}  // namespace service_deployments_test
