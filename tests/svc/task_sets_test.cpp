#include "svc/task_sets.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/service_scheduler.hpp"

namespace task_sets_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// A gateway with room for the tasks, two revisions of "web" and an EXTERNAL service of 10 tasks.
struct TaskSetFixture : ServiceFixture {
  TaskSetFixture() {
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    for (int i = 0; i < 2; ++i) {
      REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web","networkMode":"host",
          "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
    }
    REQUIRE_OK(ecs_call(*ctx, "CreateService", Json::parse(R"({"serviceName":"web","desiredCount":10,
        "deploymentController":{"type":"EXTERNAL"}})")));
  }

  Json call(std::string_view action, const std::string& body) {
    auto reply = ecs_call(*ctx, action, Json::parse(body));
    REQUIRE_OK(reply);
    return *reply;
  }
  Json create_set(const std::string& definition, double percent) {
    return call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":")" + definition +
                                     R"(","scale":{"value":)" + std::to_string(percent) + R"(,"unit":"PERCENT"}})")["taskSet"];
  }
  Json scale(const std::string& id, double percent) {
    return call("UpdateTaskSet", R"({"cluster":"default","service":"web","taskSet":")" + id + R"(","scale":{"value":)" +
                                     std::to_string(percent) + "}}")["taskSet"];
  }
  // The tasks of task set `id` meant to run.
  int live_tasks_of(const std::string& id) {
    auto tasks = store->list_tasks(svc::live_tasks_of(**store->find_service("default", "web")));
    REQUIRE_OK(tasks);
    return static_cast<int>(std::count_if(tasks->begin(), tasks->end(), [&](const model::Task& t) { return t.started_by == id; }));
  }
  void refused(std::string_view action, const std::string& body, Code code, const std::string& message) {
    INFO(action << " " << body);
    auto reply = ecs_call(*ctx, action, Json::parse(body));
    REQUIRE_FALSE(reply.has_value());
    CHECK(reply.error().code == code);
    CHECK(reply.error().message == message);
  }
};

}  // namespace

TEST_CASE_METHOD(TaskSetFixture, "an EXTERNAL service shows its controller and task sets, no deployments", "[svc][task_sets]") {
  const auto service = call("DescribeServices", R"({"services":["web"]})")["services"][0];
  CHECK(service["deploymentController"] == Json{{"type", "EXTERNAL"}});
  CHECK(service["deployments"] == Json::array());
  CHECK(service["taskSets"] == Json::array());
  CHECK_FALSE(service.contains("taskDefinition"));
  // The scheduler starts nothing without task sets.
  svc::ServiceScheduler(*ctx).pass();
  CHECK(call("ListTasks", "{}")["taskArns"].empty());
}

TEST_CASE_METHOD(TaskSetFixture, "a canary: task sets run at their scales, switch PRIMARY and drain", "[svc][task_sets]") {
  svc::ServiceScheduler scheduler(*ctx);
  const auto blue = create_set("web:1", 100);
  CHECK(blue["status"] == "ACTIVE");
  CHECK(blue["computedDesiredCount"] == 10);
  CHECK(blue["stabilityStatus"] == "STABILIZING");
  CHECK(blue["createdAt"] == 1700000000.0);
  CHECK(blue["taskDefinition"] == "arn:aws:ecs:local:000000000000:task-definition/web:1");
  const std::string blue_id = blue["id"];
  CHECK(blue_id.starts_with("ecs-svc/"));
  scheduler.pass();
  CHECK(live_tasks_of(blue_id) == 10);

  clock.advance_ms(2000);
  const auto green = create_set("web:2", 10);
  const std::string green_id = green["id"];
  CHECK(green["computedDesiredCount"] == 1);
  scheduler.pass();
  CHECK(live_tasks_of(green_id) == 1);
  CHECK(live_tasks_of(blue_id) == 10);  // each set independently: 11 tasks while the canary runs

  const auto primary = call("UpdateServicePrimaryTaskSet",
                            R"({"cluster":"default","service":"web","primaryTaskSet":")" + blue_id + R"("})")["taskSet"];
  CHECK(primary["status"] == "PRIMARY");
  auto service = call("DescribeServices", R"({"services":["web"]})")["services"][0];
  CHECK(service["taskDefinition"] == "arn:aws:ecs:local:000000000000:task-definition/web:1");
  CHECK(service["pendingCount"] == 11);
  REQUIRE(service["taskSets"].size() == 2);

  // Green takes it all: by ARN as well as by id.
  clock.advance_ms(1000);
  const std::string green_arn = green["taskSetArn"];
  const auto scaled = scale(green_arn, 100);
  CHECK(scaled["computedDesiredCount"] == 10);
  CHECK(scaled["updatedAt"] == 1700000003.0);
  CHECK(scaled["stabilityStatusAt"] == 1700000003.0);
  scheduler.pass();
  CHECK(live_tasks_of(green_id) == 10);
  const auto switched = call("UpdateServicePrimaryTaskSet",
                             R"({"cluster":"default","service":"web","primaryTaskSet":")" + green_arn + R"("})")["taskSet"];
  CHECK(switched["status"] == "PRIMARY");
  const auto sets = call("DescribeTaskSets", R"({"cluster":"default","service":"web","taskSets":[")" + blue_id +
                                                 R"("]})")["taskSets"];
  CHECK(sets[0]["status"] == "ACTIVE");
  service = call("DescribeServices", R"({"services":["web"]})")["services"][0];
  CHECK(service["taskDefinition"] == "arn:aws:ecs:local:000000000000:task-definition/web:2");

  // Blue goes: refused while it still asks for tasks, then scaled to 0 and deleted.
  refused("DeleteTaskSet", R"({"cluster":"default","service":"web","taskSet":")" + blue_id + R"("})", Code::invalid_parameter,
          "The task set " + blue_id + " has not been scaled down to zero: update its scale to 0 first, or delete it with force.");
  CHECK(scale(blue_id, 0)["computedDesiredCount"] == 0);
  scheduler.pass();
  CHECK(live_tasks_of(blue_id) == 0);
  const auto deleted = call("DeleteTaskSet", R"({"cluster":"default","service":"web","taskSet":")" + blue_id + R"("})")["taskSet"];
  CHECK(deleted["status"] == "DRAINING");
  scheduler.pass();  // no task left: the set is gone
  const auto after = call("DescribeTaskSets", R"({"cluster":"default","service":"web","taskSets":[")" + blue_id + R"("]})");
  CHECK(after["taskSets"].empty());
  CHECK(after["failures"][0]["arn"] == "arn:aws:ecs:local:000000000000:task-set/default/web/" + blue_id);
  CHECK(after["failures"][0]["reason"] == "MISSING");
  CHECK(call("DescribeTaskSets", R"({"cluster":"default","service":"web"})")["taskSets"].size() == 1);
}

TEST_CASE_METHOD(TaskSetFixture, "a task set's tags go with it", "[svc][task_sets]") {
  const auto created = call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "scale":{"value":0},"tags":[{"key":"stage","value":"canary"}]})")["taskSet"];
  const std::string id = created["id"];
  call("DeleteTaskSet", R"({"cluster":"default","service":"web","taskSet":")" + id + R"("})");
  svc::ServiceScheduler(*ctx).pass();
  auto left = store->tags_of("task-set/default/web/" + id);
  REQUIRE_OK(left);
  CHECK(left->empty());
  refused("ListTagsForResource", R"({"resourceArn":")" + created["taskSetArn"].get<std::string>() + R"("})",
          Code::task_set_not_found, "The specified task set does not exist.");
}

TEST_CASE_METHOD(TaskSetFixture, "the service's desired count drives every task set's", "[svc][task_sets]") {
  svc::ServiceScheduler scheduler(*ctx);
  const std::string id = create_set("web", 50)["id"];
  scheduler.pass();
  CHECK(live_tasks_of(id) == 5);
  call("UpdateService", R"({"service":"web","desiredCount":3})");
  CHECK(call("DescribeTaskSets", R"({"cluster":"default","service":"web"})")["taskSets"][0]["computedDesiredCount"] == 2);
  scheduler.pass();
  CHECK(live_tasks_of(id) == 2);
  // A forced delete stops the tasks without scaling to 0 first.
  CHECK(call("DeleteTaskSet", R"({"cluster":"default","service":"web","taskSet":")" + id + R"(","force":true})")
            ["taskSet"]["computedDesiredCount"] == 0);
  scheduler.pass();
  CHECK(live_tasks_of(id) == 0);
}

TEST_CASE_METHOD(TaskSetFixture, "task set actions refuse with ECS's errors", "[svc][task_sets]") {
  const std::string id = create_set("web", 0)["id"];
  const std::string other = R"("cluster":"default","service":"web")";
  refused("UpdateTaskSet", "{" + other + R"(,"taskSet":"ecs-svc/404","scale":{"value":1}})", Code::task_set_not_found,
          "The specified task set does not exist.");
  refused("UpdateServicePrimaryTaskSet", "{" + other + R"(,"primaryTaskSet":"arn:aws:ecs:local:000000000000:task-set/default/api/)" +
          id + R"("})", Code::task_set_not_found, "The specified task set does not exist.");
  refused("DeleteTaskSet", "{" + other + R"(,"taskSet":"nope"})", Code::task_set_not_found, "The specified task set does not exist.");
  refused("CreateTaskSet", "{" + other + R"(,"taskDefinition":"missing"})", Code::client,
          "Unable to find task definition 'missing'.");
  refused("CreateTaskSet", R"({"cluster":"default","service":"nope","taskDefinition":"web"})", Code::service_not_found,
          "Service not found.");
  refused("DescribeTaskSets", R"({"cluster":"nope","service":"web"})", Code::cluster_not_found, "Cluster not found.");
  refused("UpdateService", R"({"service":"web","taskDefinition":"web:2"})", Code::invalid_parameter,
          "A service with the EXTERNAL deployment controller deploys through task sets: create a task set (CreateTaskSet) "
          "to run another task definition.");
  refused("UpdateService", R"({"service":"web","forceNewDeployment":true})", Code::invalid_parameter,
          "A service with the EXTERNAL deployment controller deploys through task sets: create a task set (CreateTaskSet) "
          "to run another task definition.");
  // Five task sets at most.
  for (int i = 0; i < 4; ++i) create_set("web", 0);
  refused("CreateTaskSet", "{" + other + R"(,"taskDefinition":"web"})", Code::limit_exceeded,
          "A service holds at most 5 task sets; delete one first.");
  // A deleted task set takes no scale and cannot become PRIMARY.
  call("DeleteTaskSet", "{" + other + R"(,"taskSet":")" + id + R"("})");
  refused("UpdateTaskSet", "{" + other + R"(,"taskSet":")" + id + R"(","scale":{"value":1}})", Code::invalid_parameter,
          "The task set " + id + " is DRAINING: it was deleted.");
  refused("UpdateServicePrimaryTaskSet", "{" + other + R"(,"primaryTaskSet":")" + id + R"("})", Code::invalid_parameter,
          "The task set " + id + " is DRAINING: it was deleted.");
  // Deleting a deleted (DRAINING) set again answers it as it is.
  CHECK(call("DeleteTaskSet", "{" + other + R"(,"taskSet":")" + id + R"("})")["taskSet"]["status"] == "DRAINING");
}

TEST_CASE_METHOD(TaskSetFixture, "task sets belong to EXTERNAL services that are ACTIVE", "[svc][task_sets]") {
  call("CreateService", R"({"serviceName":"rolling","taskDefinition":"web","desiredCount":0})");
  const std::string message = "Amazon ECS only supports task set management on services configured to use external "
                              "deployment controllers.";
  refused("CreateTaskSet", R"({"cluster":"default","service":"rolling","taskDefinition":"web"})", Code::invalid_parameter, message);
  refused("DescribeTaskSets", R"({"cluster":"default","service":"rolling"})", Code::invalid_parameter, message);
  call("DeleteService", R"({"service":"web","force":true})");
  refused("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web"})", Code::service_not_active,
          "Service was not ACTIVE.");
  // DRAINING still describes; once the service is INACTIVE it does not.
  CHECK(call("DescribeTaskSets", R"({"cluster":"default","service":"web"})")["taskSets"].empty());
  svc::ServiceScheduler(*ctx).pass();
  refused("DescribeTaskSets", R"({"cluster":"default","service":"web"})", Code::service_not_active, "Service was not ACTIVE.");
}

TEST_CASE_METHOD(TaskSetFixture, "task sets take tags at creation and through the tagging actions", "[svc][task_sets]") {
  const auto created = call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "scale":{"value":0},"tags":[{"key":"stage","value":"canary"}]})")["taskSet"];
  CHECK(created["tags"] == Json::parse(R"([{"key":"stage","value":"canary"}])"));
  const std::string arn = created["taskSetArn"];
  call("TagResource", R"({"resourceArn":")" + arn + R"(","tags":[{"key":"owner","value":"ops"}]})");
  CHECK(call("ListTagsForResource", R"({"resourceArn":")" + arn + R"("})")["tags"].size() == 2);
  const auto described = call("DescribeTaskSets", R"({"cluster":"default","service":"web","include":["TAGS"]})");
  CHECK(described["taskSets"][0]["tags"].size() == 2);
  CHECK_FALSE(call("DescribeTaskSets", R"({"cluster":"default","service":"web"})")["taskSets"][0].contains("tags"));
  refused("TagResource", R"({"resourceArn":"arn:aws:ecs:local:000000000000:task-set/default/web/ecs-svc/1",
      "tags":[{"key":"a","value":"b"}]})", Code::task_set_not_found, "The specified task set does not exist.");
  refused("ListTagsForResource", R"({"resourceArn":"arn:aws:ecs:local:000000000000:task-set/default"})",
          Code::task_set_not_found, "The specified task set does not exist.");
}

TEST_CASE_METHOD(TaskSetFixture, "a task set whose tasks keep failing to start is throttled", "[svc][task_sets]") {
  svc::ServiceScheduler scheduler(*ctx);
  call("UpdateService", R"({"service":"web","desiredCount":1})");
  const std::string id = create_set("web", 100)["id"];
  // Three of its tasks failed to start since the service was last updated.
  const std::string instance_arn = call("ListContainerInstances", "{}")["containerInstanceArns"][0];
  const std::string instance = instance_arn.substr(instance_arn.rfind('/') + 1);
  std::vector<model::Task> failed;
  for (int i = 0; i < 3; ++i) {
    model::Task t;
    t.id = "f" + std::to_string(i) + std::string(31, '0');
    t.cluster = "default";
    t.family = "web";
    t.revision = 2;
    t.group = "service:web";
    t.started_by = id;
    t.desired_status = t.last_status = model::TaskStatus::stopped;
    t.stop_code = "TaskFailedToStart";
    t.container_instance_id = instance;
    t.created_at = clock.now_ms();
    failed.push_back(t);
  }
  auto inserted = store->insert_tasks(failed, {});
  REQUIRE_OK(inserted);
  REQUIRE(*inserted);
  scheduler.pass();  // launches once more, and the next launch waits
  REQUIRE(live_tasks_of(id) == 1);
  const auto events = call("DescribeServices", R"({"services":["web"]})")["services"][0]["events"];
  CHECK(std::any_of(events.begin(), events.end(), [](const Json& e) {
    return e["message"] == "(service web) is unable to consistently start tasks successfully.";
  }));
  auto tasks = store->list_tasks(svc::live_tasks_of(**store->find_service("default", "web")));
  REQUIRE_OK(tasks);
  call("StopTask", R"({"task":")" + tasks->front().id + R"("})");
  scheduler.pass();
  CHECK(live_tasks_of(id) == 0);  // within the 5 s back-off
  clock.advance_ms(5001);
  scheduler.pass();
  CHECK(live_tasks_of(id) == 1);
}

TEST_CASE_METHOD(TaskSetFixture, "deleting a task set with a protected task does not hold up the other sets",
                 "[svc][task_sets][protection]") {
  svc::ServiceScheduler scheduler(*ctx);
  const std::string blue_id = create_set("web:1", 20)["id"];
  const std::string green_id = create_set("web:2", 0)["id"];
  scheduler.pass();
  REQUIRE(live_tasks_of(blue_id) == 2);
  auto tasks = store->list_tasks(svc::live_tasks_of(**store->find_service("default", "web")));
  REQUIRE_OK(tasks);
  const auto protection = ecs_call(*ctx, "UpdateTaskProtection",
                                   Json{{"cluster", "default"}, {"tasks", Json::array({tasks->front().id})}, {"protectionEnabled", true}});
  REQUIRE_OK(protection);
  REQUIRE((*protection)["protectedTasks"].size() == 1);

  // Green scales up while blue, protected task and all, is deleted: the plan holding both commits.
  scale(green_id, 20);
  call("DeleteTaskSet", R"({"cluster":"default","service":"web","force":true,"taskSet":")" + blue_id + R"("})");
  scheduler.pass();
  CHECK(live_tasks_of(green_id) == 2);
  CHECK(live_tasks_of(blue_id) == 0);
  const auto stopped = store->find_task("default", tasks->front().id);
  REQUIRE_OK(stopped);
  REQUIRE(*stopped);
  CHECK((*stopped)->stopped_reason == "Task set deleted");
}

TEST_CASE_METHOD(TaskSetFixture, "UpdateService of an EXTERNAL service refuses attachment changes, not silently drops them",
                 "[svc][task_sets]") {
  const std::string why = "A service with the EXTERNAL deployment controller takes loadBalancers, serviceRegistries, "
                          "serviceConnectConfiguration and volumeConfigurations only when it is created: create a task "
                          "set (CreateTaskSet) to change them.";
  refused("UpdateService", R"({"service":"web","desiredCount":4,"loadBalancers":[{"targetGroupArn":"tg","containerName":"main",
          "containerPort":80}]})", Code::invalid_parameter, why);
  refused("UpdateService", R"({"service":"web","serviceRegistries":[{"registryArn":"r"}]})", Code::invalid_parameter, why);
  // Nothing of the refused update was kept.
  const auto service = call("DescribeServices", R"({"services":["web"]})")["services"][0];
  CHECK(service["desiredCount"] == 10);
  CHECK(service["loadBalancers"] == Json::array());
  // What it has already (none) may be given again, as tools send a service's whole definition.
  CHECK(call("UpdateService", R"({"service":"web","desiredCount":4,"loadBalancers":[],"serviceRegistries":[]})")
            ["service"]["desiredCount"] == 4);
}

TEST_CASE_METHOD(TaskSetFixture, "a task set keeps the launch settings and attachments it was given", "[svc][task_sets]") {
  const auto external = call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web","scale":{"value":0},
      "launchType":"EXTERNAL",
      "loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tg/1",
                        "containerName":"main","containerPort":80}],
      "serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:local:000000000000:service/srv-1"}]})")["taskSet"];
  CHECK(external["launchType"] == "EXTERNAL");
  CHECK(external["loadBalancers"] == Json::parse(R"([{"targetGroupArn":"arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tg/1",
                                                 "containerName":"main","containerPort":80}])"));
  CHECK(external["serviceRegistries"] ==
        Json::parse(R"([{"registryArn":"arn:aws:servicediscovery:local:000000000000:service/srv-1"}])"));
  CHECK_FALSE(external.contains("capacityProviderStrategy"));

  REQUIRE_OK(ecs_call(*ctx, "CreateCapacityProvider",
                      Json{{"name", "edge"}, {"autoScalingGroupProvider", {{"autoScalingGroupArn", "edge-asg"}}}}));
  // Not associated with the cluster yet: refused as CreateService refuses it.
  refused("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "capacityProviderStrategy":[{"capacityProvider":"edge","weight":1}]})", Code::invalid_parameter,
          "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the "
          "cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.");
  call("PutClusterCapacityProviders", R"({"cluster":"default","capacityProviders":["edge"],
      "defaultCapacityProviderStrategy":[{"capacityProvider":"edge","weight":2,"base":1}]})");
  const auto given = call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "scale":{"value":0},"capacityProviderStrategy":[{"capacityProvider":"edge","weight":1}]})")["taskSet"];
  CHECK(given["capacityProviderStrategy"] == Json::parse(R"([{"capacityProvider":"edge","weight":1,"base":0}])"));
  CHECK_FALSE(given.contains("launchType"));
  // Neither given: the cluster's default strategy, as ECS.
  const auto defaulted = create_set("web", 0);
  CHECK(defaulted["capacityProviderStrategy"] == Json::parse(R"([{"capacityProvider":"edge","weight":2,"base":1}])"));
  refused("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "loadBalancers":["not an object"]})", Code::invalid_parameter, "loadBalancers entries must be objects.");

  // All of it survives the store, the scheduler's passes and DescribeTaskSets.
  svc::ServiceScheduler(*ctx).pass();
  const auto described = call("DescribeTaskSets", R"({"cluster":"default","service":"web"})")["taskSets"];
  REQUIRE(described.size() == 3);
  CHECK(described[0]["launchType"] == "EXTERNAL");
  CHECK(described[0]["loadBalancers"] == external["loadBalancers"]);
  CHECK(described[0]["serviceRegistries"] == external["serviceRegistries"]);
  CHECK(described[1]["capacityProviderStrategy"] == given["capacityProviderStrategy"]);
  CHECK(described[2]["capacityProviderStrategy"] == defaulted["capacityProviderStrategy"]);
}

TEST_CASE_METHOD(TaskSetFixture, "a deleted service's task sets take their tags with them", "[svc][task_sets]") {
  const auto created = call("CreateTaskSet", R"({"cluster":"default","service":"web","taskDefinition":"web",
      "scale":{"value":0},"tags":[{"key":"stage","value":"canary"}]})")["taskSet"];
  const std::string key = "task-set/default/web/" + created["id"].get<std::string>();
  // Written with the set, in its transaction.
  CHECK(store->tags_of(key).value() == std::vector<model::Tag>{{"stage", "canary"}});
  call("DeleteService", R"({"service":"web","force":true})");
  svc::ServiceScheduler(*ctx).pass();
  const auto service = store->find_service("default", "web").value();
  REQUIRE(service);
  CHECK(service->status == model::ServiceStatus::inactive);
  CHECK(service->task_sets.empty());
  CHECK(store->tags_of(key).value().empty());
}

TEST_CASE_METHOD(TaskSetFixture, "a task set and its tags are written in one transaction", "[svc][task_sets]") {
  const auto first = create_set("web", 0);
  const std::string key = "task-set/default/web/" + first["id"].get<std::string>();
  std::vector<model::Tag> full;
  for (int i = 0; i < 50; ++i) full.push_back({"k" + std::to_string(i), "v"});
  REQUIRE_OK(store->add_tags(key, full));
  // A second set whose tags cannot be written (the resource would have 51): the set is not
  // written either, so a retry cannot leave two.
  auto service = store->find_service("default", "web").value();
  REQUIRE(service);
  model::Service changed = *service;
  changed.task_sets.push_back(changed.task_sets.front());
  changed.task_sets.back().id = "ecs-svc/2";
  ++changed.version;
  const auto refused = store->replace_service(changed, service->version, {key, {{"one-more", "v"}}});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message == "A resource can have at most 50 tags.");
  CHECK(store->find_service("default", "web").value()->task_sets.size() == 1);
  CHECK(store->find_service("default", "web").value()->version == service->version);
  // Tags that fit are written with the service.
  REQUIRE(store->replace_service(changed, service->version, {"task-set/default/web/ecs-svc/2", {{"stage", "b"}}}).value());
  CHECK(store->tags_of("task-set/default/web/ecs-svc/2").value() == std::vector<model::Tag>{{"stage", "b"}});
}

}  // namespace task_sets_test
