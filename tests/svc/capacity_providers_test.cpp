#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "model/capacity_provider.hpp"
#include "svc/capacity_providers.hpp"
#include "svc/service_scheduler.hpp"

namespace capacity_providers_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_arn = "arn:aws:ecs:local:000000000000:capacity-provider/";
const std::string k_not_associated =
    "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the "
    "cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.";

Json create_body(const std::string& name, const std::string& group) {
  return Json{{"name", name}, {"autoScalingGroupProvider", {{"autoScalingGroupArn", group}}}};
}

void create_provider(svc::Context& ctx, const std::string& name) {
  REQUIRE_OK(ecs_call(ctx, "CreateCapacityProvider", create_body(name, name + "-asg")));
}

void register_instance(svc::Context& ctx) {
  Json body{{"totalResources", {{{"name", "CPU"}, {"type", "INTEGER"}, {"integerValue", 1024}},
                                {{"name", "MEMORY"}, {"type", "INTEGER"}, {"integerValue", 1024}}}}};
  REQUIRE_OK(ecs_call(ctx, "RegisterContainerInstance", body));
  REQUIRE_OK(ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
}

void put_providers(svc::Context& ctx, const char* json) {
  REQUIRE_OK(ecs_call(ctx, "PutClusterCapacityProviders", Json::parse(json)));
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "CreateCapacityProvider and DescribeCapacityProviders", "[svc][capacity]") {
  auto created = ecs_call(*ctx, "CreateCapacityProvider",
                          Json::parse(R"({"name":"edge","autoScalingGroupProvider":{"autoScalingGroupArn":"edge-asg"},
                              "tags":[{"key":"site","value":"north"}]})"));
  REQUIRE_OK(created);
  CHECK((*created)["capacityProvider"].dump() ==
        R"({"autoScalingGroupProvider":{"autoScalingGroupArn":"edge-asg","managedDraining":"ENABLED",)"
        R"("managedScaling":{"instanceWarmupPeriod":300,"maximumScalingStepSize":10000,"minimumScalingStepSize":1,)"
        R"("status":"DISABLED","targetCapacity":100},"managedTerminationProtection":"DISABLED"},)"
        R"("capacityProviderArn":"arn:aws:ecs:local:000000000000:capacity-provider/edge","name":"edge",)"
        R"("status":"ACTIVE","tags":[{"key":"site","value":"north"}],"type":"EC2_AUTOSCALING"})");
  check_error(ecs_call(*ctx, "CreateCapacityProvider", create_body("edge", "other-asg")), Code::client,
              "The specified capacity provider already exists. To change the configuration of an existing capacity "
              "provider, update the capacity provider.");
  check_error(ecs_call(*ctx, "CreateCapacityProvider", create_body("edge2", "edge-asg")), Code::client,
              "The specified Auto Scaling group is already used by capacity provider edge.");
  check_error(ecs_call(*ctx, "CreateCapacityProvider", create_body("fargate-like", "x")), Code::client,
              "The capacity provider name cannot start with 'aws', 'ecs' or 'fargate'.");
  check_error(ecs_call(*ctx, "CreateCapacityProvider", Json{{"name", "bare"}}), Code::invalid_parameter,
              "autoScalingGroupProvider is required: a gateway's capacity providers are Auto Scaling group providers.");
  auto managed = ecs_call(*ctx, "CreateCapacityProvider", Json::parse(R"({"name":"mi","managedInstancesProvider":{}})"));
  REQUIRE_FALSE(managed.has_value());
  CHECK(managed.error().code == Code::unsupported_feature);
  create_provider(*ctx, "zone-b");

  auto named = ecs_call(*ctx, "DescribeCapacityProviders",
                        Json{{"capacityProviders", {"FARGATE", k_arn + "edge", "ghost"}}, {"include", {"TAGS"}}});
  REQUIRE_OK(named);
  REQUIRE((*named)["capacityProviders"].size() == 2);
  CHECK((*named)["capacityProviders"][0]["type"] == "FARGATE");
  CHECK((*named)["capacityProviders"][0]["tags"] == Json::array());
  CHECK((*named)["capacityProviders"][1]["tags"] == Json::parse(R"([{"key":"site","value":"north"}])"));
  CHECK((*named)["failures"] == Json::parse(R"([{"arn":")" + k_arn + R"(ghost","reason":"MISSING"}])"));

  // All of them, the built-in ones first, a page at a time.
  std::vector<std::string> names;
  Json request{{"maxResults", 3}};
  for (int pages = 0; pages < 3; ++pages) {
    auto page = ecs_call(*ctx, "DescribeCapacityProviders", request);
    REQUIRE_OK(page);
    for (const auto& p : (*page)["capacityProviders"]) names.push_back(p["name"]);
    CHECK_FALSE((*page)["capacityProviders"][0].contains("tags"));
    if (!page->contains("nextToken")) break;
    request["nextToken"] = (*page)["nextToken"];
  }
  CHECK(names == std::vector<std::string>{"FARGATE", "FARGATE_SPOT", "edge", "zone-b"});
  auto all = ecs_call(*ctx, "DescribeCapacityProviders", Json::object());
  REQUIRE_OK(all);
  CHECK((*all)["capacityProviders"].size() == 4);
  CHECK_FALSE(all->contains("nextToken"));
  check_error(ecs_call(*ctx, "DescribeCapacityProviders", Json{{"maxResults", 11}}), Code::invalid_parameter,
              "maxResults must be between 1 and 10.");
  check_error(ecs_call(*ctx, "DescribeCapacityProviders", Json{{"nextToken", "forged"}}), Code::invalid_parameter,
              "The nextToken is not valid for this request.");
}

TEST_CASE_METHOD(ServiceFixture, "UpdateCapacityProvider and DeleteCapacityProvider", "[svc][capacity]") {
  create_provider(*ctx, "edge");
  auto updated = ecs_call(*ctx, "UpdateCapacityProvider", Json::parse(R"({"name":"edge",
      "autoScalingGroupProvider":{"managedScaling":{"status":"ENABLED","targetCapacity":90},"managedDraining":"DISABLED"}})"));
  REQUIRE_OK(updated);
  CHECK((*updated)["capacityProvider"]["updateStatus"] == "UPDATE_COMPLETE");
  CHECK((*updated)["capacityProvider"]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 90);
  auto described = ecs_call(*ctx, "DescribeCapacityProviders", Json{{"capacityProviders", {"edge"}}});
  REQUIRE_OK(described);
  CHECK((*described)["capacityProviders"][0]["autoScalingGroupProvider"]["managedDraining"] == "DISABLED");
  check_error(ecs_call(*ctx, "UpdateCapacityProvider", Json{{"name", "ghost"}, {"autoScalingGroupProvider", Json::object()}}),
              Code::client, "The specified capacity provider does not exist. Specify a valid name or ARN and try again.");
  auto fargate = ecs_call(*ctx, "UpdateCapacityProvider", Json{{"name", "FARGATE"}, {"autoScalingGroupProvider", Json::object()}});
  REQUIRE_FALSE(fargate.has_value());
  CHECK(fargate.error().code == Code::client);
  check_error(ecs_call(*ctx, "UpdateCapacityProvider", Json{{"name", "edge"}}), Code::invalid_parameter,
              "autoScalingGroupProvider is required.");

  // Associated with a cluster: DELETE_FAILED with ECS's reason, and kept.
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["edge"],"defaultCapacityProviderStrategy":[]})");
  auto failed = ecs_call(*ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "edge"}});
  REQUIRE_OK(failed);
  CHECK((*failed)["capacityProvider"]["updateStatus"] == "DELETE_FAILED");
  CHECK((*failed)["capacityProvider"]["updateStatusReason"] ==
        "The capacity provider cannot be deleted because it is associated with cluster: default. Remove the capacity "
        "provider from the cluster and try again.");
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":[],"defaultCapacityProviderStrategy":[]})");
  auto deleted = ecs_call(*ctx, "DeleteCapacityProvider", Json{{"capacityProvider", k_arn + "edge"}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["capacityProvider"]["status"] == "INACTIVE");
  CHECK((*deleted)["capacityProvider"]["updateStatus"] == "DELETE_COMPLETE");
  CHECK_FALSE((*deleted)["capacityProvider"].contains("updateStatusReason"));
  auto gone = ecs_call(*ctx, "DescribeCapacityProviders", Json{{"capacityProviders", {"edge"}}});
  REQUIRE_OK(gone);
  CHECK((*gone)["failures"].size() == 1);
  check_error(ecs_call(*ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "edge"}}), Code::client,
              "The specified capacity provider does not exist. Specify a valid name or ARN and try again.");
  check_error(ecs_call(*ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "edge"}, {"cluster", "default"}}),
              Code::invalid_parameter, "cluster is only for Managed Instances capacity providers.");
}

TEST_CASE_METHOD(ServiceFixture, "PutClusterCapacityProviders is shown by DescribeClusters", "[svc][capacity]") {
  create_provider(*ctx, "edge");
  create_provider(*ctx, "spare");
  auto put = ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["edge","spare"],"defaultCapacityProviderStrategy":[{"capacityProvider":"edge","weight":1}]})"));
  REQUIRE_OK(put);
  CHECK((*put)["cluster"]["capacityProviders"] == Json::array({"edge", "spare"}));
  auto described = ecs_call(*ctx, "DescribeClusters", Json::object());
  REQUIRE_OK(described);
  CHECK((*described)["clusters"][0]["defaultCapacityProviderStrategy"] ==
        Json::parse(R"([{"base":0,"capacityProvider":"edge","weight":1}])"));

  // DescribeCapacityProviders of one cluster: only its providers.
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["spare"],"defaultCapacityProviderStrategy":[]})");
  auto of_cluster = ecs_call(*ctx, "DescribeCapacityProviders", Json{{"cluster", "default"}});
  REQUIRE_OK(of_cluster);
  REQUIRE((*of_cluster)["capacityProviders"].size() == 1);
  CHECK((*of_cluster)["capacityProviders"][0]["name"] == "spare");
  auto named_in_cluster = ecs_call(*ctx, "DescribeCapacityProviders",
                                   Json{{"cluster", "default"}, {"capacityProviders", {"edge", "spare"}}});
  REQUIRE_OK(named_in_cluster);
  CHECK((*named_in_cluster)["capacityProviders"].size() == 1);
  check_error(ecs_call(*ctx, "DescribeCapacityProviders", Json{{"cluster", "nowhere"}}), Code::cluster_not_found,
              "Cluster not found.");
  check_error(ecs_call(*ctx, "DescribeCapacityProviders", Json{{"cluster", "default"}, {"maxResults", 2}}),
              Code::invalid_parameter,
              "maxResults and nextToken page through all capacity providers; they cannot be used with "
              "capacityProviders or cluster.");

  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["FARGATE"],"defaultCapacityProviderStrategy":[]})")),
              Code::invalid_parameter, "The capacity provider FARGATE is not supported: " + std::string(model::k_no_fargate));
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["ghost"],"defaultCapacityProviderStrategy":[]})")),
              Code::invalid_parameter, "The specified capacity provider does not exist: ghost.");
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["edge","edge"],"defaultCapacityProviderStrategy":[]})")),
              Code::invalid_parameter, "The capacity provider edge is listed more than once.");
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["edge"],"defaultCapacityProviderStrategy":[{"capacityProvider":"spare"}]})")),
              Code::invalid_parameter, k_not_associated);
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"nowhere",
      "capacityProviders":[],"defaultCapacityProviderStrategy":[]})")),
              Code::cluster_not_found, "Cluster not found.");

  // CreateCluster checks its providers the same way.
  check_error(ecs_call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"b","capacityProviders":["ghost"]})")),
              Code::invalid_parameter, "The specified capacity provider does not exist: ghost.");
  check_error(ecs_call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"b","capacityProviders":["FARGATE_SPOT"]})")),
              Code::invalid_parameter,
              "The capacity provider FARGATE_SPOT is not supported: " + std::string(model::k_no_fargate));
  auto cluster = ecs_call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"b","capacityProviders":["spare"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"spare","weight":1}]})"));
  REQUIRE_OK(cluster);
  CHECK((*cluster)["cluster"]["capacityProviders"] == Json::array({"spare"}));
}

TEST_CASE_METHOD(ServiceFixture, "RunTask places by a capacity provider strategy or the cluster's default", "[svc][capacity]") {
  register_instance(*ctx);
  create_provider(*ctx, "edge");
  create_provider(*ctx, "spare");
  check_error(ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job",
      "capacityProviderStrategy":[{"capacityProvider":"edge","weight":1}]})")),
              Code::invalid_parameter, k_not_associated);
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["edge","spare"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"spare","weight":1}]})");

  auto ran = ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job","count":3,
      "capacityProviderStrategy":[{"capacityProvider":"edge","base":1},{"capacityProvider":"spare","weight":1}]})"));
  REQUIRE_OK(ran);
  REQUIRE((*ran)["tasks"].size() == 3);
  CHECK((*ran)["tasks"][0]["capacityProviderName"] == "edge");
  CHECK((*ran)["tasks"][1]["capacityProviderName"] == "spare");
  CHECK((*ran)["tasks"][2]["capacityProviderName"] == "spare");
  auto described = ecs_call(*ctx, "DescribeTasks", Json{{"tasks", {(*ran)["tasks"][0]["taskArn"]}}});
  REQUIRE_OK(described);
  CHECK((*described)["tasks"][0]["capacityProviderName"] == "edge");

  // Neither a strategy nor a launchType: the cluster's default.
  auto by_default = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}});
  REQUIRE_OK(by_default);
  CHECK((*by_default)["tasks"][0]["capacityProviderName"] == "spare");
  // A launchType: no provider.
  auto ec2 = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}, {"launchType", "EC2"}});
  REQUIRE_OK(ec2);
  CHECK_FALSE((*ec2)["tasks"][0].contains("capacityProviderName"));

  check_error(ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}, {"launchType", "FARGATE"}}),
              Code::invalid_parameter, "launchType FARGATE is not supported: " + std::string(model::k_no_fargate));
  check_error(ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job","launchType":"EC2",
      "capacityProviderStrategy":[{"capacityProvider":"edge"}]})")),
              Code::invalid_parameter,
              "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");

  // A provider that tasks not stopped use stays with the cluster.
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["spare"],"defaultCapacityProviderStrategy":[]})")),
              Code::resource_in_use, "The specified capacity provider is in use and cannot be removed.");
}

TEST_CASE_METHOD(ServiceFixture, "Services keep their capacity provider strategy", "[svc][capacity]") {
  register_instance(*ctx);
  create_provider(*ctx, "edge");
  create_provider(*ctx, "spare");
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["edge","spare"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"edge","weight":2}]})");
  auto created = ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"job",
      "desiredCount":0})"));
  REQUIRE_OK(created);
  const Json& service = (*created)["service"];
  CHECK(service["capacityProviderStrategy"] == Json::parse(R"([{"base":0,"capacityProvider":"edge","weight":2}])"));
  CHECK_FALSE(service.contains("launchType"));
  CHECK_FALSE(service["deployments"][0].contains("launchType"));
  CHECK(service["deployments"][0]["capacityProviderStrategy"] == service["capacityProviderStrategy"]);

  auto ec2 = ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"plain","taskDefinition":"job",
      "desiredCount":0,"launchType":"EC2"})"));
  REQUIRE_OK(ec2);
  CHECK((*ec2)["service"]["launchType"] == "EC2");
  CHECK_FALSE((*ec2)["service"].contains("capacityProviderStrategy"));

  auto updated = ecs_call(*ctx, "UpdateService", Json::parse(R"({"service":"api",
      "capacityProviderStrategy":[{"capacityProvider":"spare","weight":1}]})"));
  REQUIRE_OK(updated);
  CHECK((*updated)["service"]["capacityProviderStrategy"] ==
        Json::parse(R"([{"base":0,"capacityProvider":"spare","weight":1}])"));
  check_error(ecs_call(*ctx, "UpdateService", Json::parse(R"({"service":"api",
      "capacityProviderStrategy":[{"capacityProvider":"ghost","weight":1}]})")),
              Code::invalid_parameter, k_not_associated);
  check_error(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"x","taskDefinition":"job","desiredCount":0,
      "capacityProviderStrategy":[{"capacityProvider":"ghost","weight":1}]})")),
              Code::invalid_parameter, k_not_associated);
  // The service's provider cannot leave the cluster while the service uses it.
  check_error(ecs_call(*ctx, "PutClusterCapacityProviders", Json::parse(R"({"cluster":"default",
      "capacityProviders":["edge"],"defaultCapacityProviderStrategy":[]})")),
              Code::resource_in_use, "The specified capacity provider is in use and cannot be removed.");
}

namespace {

// The capacityProviderName of each task of `service` meant to run, sorted ("" = none).
std::vector<std::string> providers_of_service_tasks(svc::Context& ctx, const std::string& service) {
  auto listed = ecs_call(ctx, "ListTasks", Json{{"serviceName", service}, {"desiredStatus", "RUNNING"}});
  REQUIRE_OK(listed);
  std::vector<std::string> out;
  if ((*listed)["taskArns"].empty()) return out;
  auto described = ecs_call(ctx, "DescribeTasks", Json{{"tasks", (*listed)["taskArns"]}});
  REQUIRE_OK(described);
  for (const auto& t : (*described)["tasks"]) out.push_back(t.value("capacityProviderName", ""));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "A service's tasks run on the providers of its strategy, over all its tasks", "[svc][capacity]") {
  using Names = std::vector<std::string>;
  register_instance(*ctx);
  create_provider(*ctx, "edge");
  create_provider(*ctx, "spare");
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["edge","spare"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"spare","weight":1}]})");
  svc::ServiceScheduler scheduler(*ctx);
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"api","taskDefinition":"job","desiredCount":3,
      "capacityProviderStrategy":[{"capacityProvider":"edge","base":1,"weight":1},{"capacityProvider":"spare","weight":1}]})")));
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"by-default","taskDefinition":"job",
      "desiredCount":1})")));
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"plain","taskDefinition":"job",
      "desiredCount":1,"launchType":"EC2"})")));
  scheduler.pass();
  CHECK(providers_of_service_tasks(*ctx, "api") == Names{"edge", "edge", "spare"});  // base 1, then 1:1
  CHECK(providers_of_service_tasks(*ctx, "by-default") == Names{"spare"});            // the cluster's default
  CHECK(providers_of_service_tasks(*ctx, "plain") == Names{""});                      // EC2

  // A replacement goes where the service lacks one: the stopped task's provider.
  auto listed = ecs_call(*ctx, "ListTasks", Json{{"serviceName", "api"}});
  REQUIRE_OK(listed);
  auto described = ecs_call(*ctx, "DescribeTasks", Json{{"tasks", (*listed)["taskArns"]}});
  REQUIRE_OK(described);
  for (const auto& t : (*described)["tasks"]) {
    if (t["capacityProviderName"] == "spare") REQUIRE_OK(ecs_call(*ctx, "StopTask", Json{{"task", t["taskArn"]}}));
  }
  scheduler.pass();
  CHECK(providers_of_service_tasks(*ctx, "api") == Names{"edge", "edge", "spare"});
}

TEST_CASE_METHOD(ServiceFixture, "Tags on capacity providers", "[svc][capacity]") {
  create_provider(*ctx, "edge");
  REQUIRE_OK(ecs_call(*ctx, "TagResource", Json{{"resourceArn", k_arn + "edge"}, {"tags", {{{"key", "a"}, {"value", "1"}}}}}));
  auto listed = ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", k_arn + "edge"}});
  REQUIRE_OK(listed);
  CHECK((*listed)["tags"] == Json::parse(R"([{"key":"a","value":"1"}])"));
  REQUIRE_OK(ecs_call(*ctx, "UntagResource", Json{{"resourceArn", k_arn + "edge"}, {"tagKeys", {"a"}}}));
  auto empty = ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", k_arn + "edge"}});
  REQUIRE_OK(empty);
  CHECK((*empty)["tags"] == Json::array());
  check_error(ecs_call(*ctx, "TagResource", Json{{"resourceArn", k_arn + "ghost"}, {"tags", {{{"key", "a"}, {"value", "1"}}}}}),
              Code::resource_not_found, "The specified resource could not be found.");
}

TEST_CASE_METHOD(ServiceFixture, "CreateCapacityProvider stops at 100 providers", "[svc][capacity]") {
  for (int i = 0; i < 100; ++i) create_provider(*ctx, "p" + std::to_string(i));
  check_error(ecs_call(*ctx, "CreateCapacityProvider", create_body("one-more", "one-more-asg")), Code::limit_exceeded,
              "The limit of 100 capacity providers has been reached. Delete a capacity provider you no longer use and "
              "try again.");
  REQUIRE_OK(ecs_call(*ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "p0"}}));
  create_provider(*ctx, "one-more");
}

// What a use case checked in its own read, the write checks again in its transaction: here the
// write comes after a PutClusterCapacityProviders or DeleteCapacityProvider that undid the check.
TEST_CASE_METHOD(ServiceFixture, "Capacity-provider checks are repeated in the writing transaction", "[svc][capacity]") {
  register_instance(*ctx);
  create_provider(*ctx, "edge");
  create_provider(*ctx, "spare");
  put_providers(*ctx, R"({"cluster":"default","capacityProviders":["edge"],"defaultCapacityProviderStrategy":[]})");
  const Json on_spare = Json::parse(R"([{"base":0,"capacityProvider":"spare","weight":1}])");
  const Json on_edge = Json::parse(R"([{"base":0,"capacityProvider":"edge","weight":1}])");

  // CreateService and UpdateService.
  model::Service service;
  service.cluster = "default";
  service.name = "api";
  service.capacity_provider_strategy = on_spare;
  check_error(store->create_service(service, {}), Code::invalid_parameter, k_not_associated);
  service.capacity_provider_strategy = on_edge;
  REQUIRE_OK(store->create_service(service, {}));
  auto stored = **store->find_service("default", "api");
  stored.capacity_provider_strategy = on_spare;
  check_error(store->replace_service(stored, stored.version), Code::invalid_parameter, k_not_associated);
  stored.capacity_provider_strategy = on_edge;
  stored.desired_count = 2;  // other changes with the strategy as stored are written
  CHECK(*store->replace_service(stored, stored.version));

  // RunTask's tasks.
  const auto instances = store->list_container_instances("default", std::nullopt, "", 10);
  REQUIRE_OK(instances);
  REQUIRE(instances->size() == 1);
  store::PlanCommit plan;
  plan.cluster = "default";
  store::PlannedTask start;
  start.task.id = "0123456789abcdef0123456789abcdef";
  start.task.cluster = "default";
  start.task.family = "job";
  start.task.revision = 1;
  start.task.container_instance_id = (*instances)[0].id;
  start.task.capacity_provider = "spare";
  plan.starts.push_back(start);
  check_error(store->commit_plan(plan), Code::invalid_parameter, k_not_associated);
  CHECK_FALSE(store->find_task("default", start.task.id)->has_value());
  plan.starts[0].task.capacity_provider = "edge";
  CHECK(*store->commit_plan(plan));

  // CreateCluster's providers, one deleted meanwhile.
  model::Cluster cluster;
  cluster.name = "b";
  cluster.capacity = Json{{"capacityProviders", {"spare", "ghost"}}};
  check_error(store->create_cluster(cluster, {}), Code::invalid_parameter,
              "The specified capacity provider does not exist: ghost.");
  CHECK_FALSE(store->find_cluster("b")->has_value());
}

}  // namespace capacity_providers_test
