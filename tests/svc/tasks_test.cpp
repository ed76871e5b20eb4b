#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"
#include "svc/tasks.hpp"

namespace tasks_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// An instance of `cluster` with room for `memory` MiB; returns its id.
std::string register_instance(svc::Context& ctx, long long memory, const std::string& cluster = "default") {
  Json body{{"cluster", cluster},
            {"totalResources", {{{"name", "CPU"}, {"type", "INTEGER"}, {"integerValue", 1024}},
                                {{"name", "MEMORY"}, {"type", "INTEGER"}, {"integerValue", memory}}}}};
  auto registered = ecs_call(ctx, "RegisterContainerInstance", body);
  REQUIRE_OK(registered);
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
  return arn.substr(arn.rfind('/') + 1);
}

// "job": one 64 MiB container named "main", host networking.
void register_job(svc::Context& ctx) {
  REQUIRE_OK(ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64}]})")));
}

std::string id_of_arn(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

}  // namespace

TEST_CASE_METHOD(ServiceFixture, "RunTask, DescribeTasks, ListTasks and StopTask through the action table", "[svc]") {
  const std::string instance = register_instance(*ctx, 256);
  register_job(*ctx);
  auto ran = ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job","count":2,"startedBy":"cron",
      "overrides":{"memory":"0.125GB"},"tags":[{"key":"team","value":"ops"}]})"));
  REQUIRE_OK(ran);
  REQUIRE((*ran)["tasks"].size() == 2);
  CHECK((*ran)["failures"] == Json::array());
  const Json first = (*ran)["tasks"][0];
  CHECK(first["group"] == "family:job");  // no group given: the family's
  CHECK(first["startedBy"] == "cron");
  CHECK(first["overrides"]["memory"] == "128");  // as normalised by the decoder
  CHECK(first["containerInstanceArn"] == ctx->arns.container_instance("default", instance));
  CHECK(first["tags"] == Json::parse(R"([{"key":"team","value":"ops"}])"));  // RunTask answers with its tags

  auto listed = ecs_call(*ctx, "ListTasks", Json::object());
  REQUIRE_OK(listed);
  CHECK((*listed)["taskArns"].size() == 2);
  CHECK_FALSE(listed->contains("nextToken"));
  auto page = ecs_call(*ctx, "ListTasks", Json{{"maxResults", 1}});
  REQUIRE_OK(page);
  REQUIRE((*page)["taskArns"].size() == 1);
  REQUIRE(page->contains("nextToken"));
  auto rest = ecs_call(*ctx, "ListTasks", Json{{"maxResults", 1}, {"nextToken", (*page)["nextToken"]}});
  REQUIRE_OK(rest);
  REQUIRE((*rest)["taskArns"].size() == 1);
  CHECK((*rest)["taskArns"][0] != (*page)["taskArns"][0]);
  CHECK_FALSE(rest->contains("nextToken"));
  CHECK((*ecs_call(*ctx, "ListTasks", Json{{"startedBy", "cron"}, {"family", "job"}}))["taskArns"].size() == 2);
  CHECK((*ecs_call(*ctx, "ListTasks", Json{{"startedBy", "someone"}}))["taskArns"].empty());
  CHECK((*ecs_call(*ctx, "ListTasks", Json{{"containerInstance", instance}}))["taskArns"].size() == 2);
  CHECK((*ecs_call(*ctx, "ListTasks", Json{{"serviceName", "web"}}))["taskArns"].empty());
  // ECS: PENDING never matches a desired status.
  CHECK(ecs_call(*ctx, "ListTasks", Json{{"desiredStatus", "PENDING"}})->dump() == R"({"taskArns":[]})");

  const std::string arn = first["taskArn"];
  auto stopped = ecs_call(*ctx, "StopTask", Json{{"task", arn}, {"reason", "maintenance"}});
  REQUIRE_OK(stopped);
  CHECK((*stopped)["task"]["taskArn"] == arn);
  CHECK((*stopped)["task"]["desiredStatus"] == "STOPPED");
  CHECK((*stopped)["task"]["stopCode"] == "UserInitiated");
  CHECK((*stopped)["task"]["stoppedReason"] == "maintenance");
  CHECK((*stopped)["task"]["tags"] == Json::array());  // StopTask answers without tags
  // A task already asked to stop stays as it was asked.
  auto again = ecs_call(*ctx, "StopTask", Json{{"task", id_of_arn(arn)}});
  REQUIRE_OK(again);
  CHECK((*again)["task"]["stoppedReason"] == "maintenance");
  CHECK((*ecs_call(*ctx, "ListTasks", Json::object()))["taskArns"].size() == 1);
  auto stopped_list = ecs_call(*ctx, "ListTasks", Json{{"desiredStatus", "STOPPED"}});
  REQUIRE_OK(stopped_list);
  CHECK((*stopped_list)["taskArns"] == Json{arn});

  const std::string other_cluster = "arn:aws:ecs:local:000000000000:task/elsewhere/0f";
  auto described = ecs_call(*ctx, "DescribeTasks", Json{{"tasks", {id_of_arn(arn), "nope", other_cluster}},
                                                        {"include", {"TAGS"}}});
  REQUIRE_OK(described);
  REQUIRE((*described)["tasks"].size() == 1);
  CHECK((*described)["tasks"][0]["taskArn"] == arn);
  CHECK((*described)["tasks"][0]["tags"] == Json::parse(R"([{"key":"team","value":"ops"}])"));
  // A bare id that is missing is named by its ARN; an ARN as it was given.
  CHECK((*described)["failures"] == Json{{{"arn", ctx->arns.task("default", "nope")}, {"reason", "MISSING"}},
                                         {{"arn", other_cluster}, {"reason", "MISSING"}}});
  auto untagged = ecs_call(*ctx, "DescribeTasks", Json{{"tasks", {arn}}});
  REQUIRE_OK(untagged);
  CHECK((*untagged)["tasks"][0]["tags"] == Json::array());
}

TEST_CASE_METHOD(ServiceFixture, "RunTask reports where tasks did not fit; StartTask runs on the instances named",
                 "[svc]") {
  const std::string small = register_instance(*ctx, 64);
  register_job(*ctx);
  auto ran = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}, {"count", 3}, {"group", "batch"}});
  REQUIRE_OK(ran);
  REQUIRE((*ran)["tasks"].size() == 1);
  CHECK((*ran)["tasks"][0]["group"] == "batch");
  CHECK((*ran)["failures"] ==
        Json{{{"arn", ctx->arns.container_instance("default", small)}, {"reason", "RESOURCE:MEMORY"}}});

  const std::string large = register_instance(*ctx, 1024);
  auto started = ecs_call(*ctx, "StartTask", Json{{"taskDefinition", "job:1"},
                                                  {"containerInstances", {ctx->arns.container_instance("default", large), large}}});
  REQUIRE_OK(started);
  REQUIRE((*started)["tasks"].size() == 2);
  for (const auto& task : (*started)["tasks"]) {
    CHECK(task["containerInstanceArn"] == ctx->arns.container_instance("default", large));
  }
  CHECK((*started)["failures"] == Json::array());
}

TEST_CASE_METHOD(ServiceFixture, "task actions refuse what the store does not hold, with ECS's errors", "[svc]") {
  register_job(*ctx);
  REQUIRE_OK(ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "empty"}}));
  check_error(ecs_call(*ctx, "RunTask", Json{{"cluster", "nope"}, {"taskDefinition", "job"}}), Code::cluster_not_found,
              "Cluster not found.");
  check_error(ecs_call(*ctx, "RunTask", Json{{"cluster", "empty"}, {"taskDefinition", "job"}}), Code::invalid_parameter,
              "No Container Instances were found in your cluster.");
  const std::string instance = register_instance(*ctx, 1024);
  check_error(ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "nope"}}), Code::client,
              "Unable to find task definition 'nope'.");
  check_error(ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job",
                  "overrides":{"containerOverrides":[{"name":"sidecar"}]}})")),
              Code::invalid_parameter, "Override for container 'sidecar', which the task definition does not have.");
  check_error(ecs_call(*ctx, "RunTask", Json::parse(R"({"taskDefinition":"job","placementConstraints":[{"type":"memberOf"}]})")),
              Code::invalid_parameter, "memberOf needs an expression.");
  check_error(ecs_call(*ctx, "StartTask", Json{{"taskDefinition", "job"}, {"containerInstances", {instance, "zz"}}}),
              Code::invalid_parameter, "Container instance 'zz' is not in cluster default.");
  check_error(ecs_call(*ctx, "StartTask", Json{{"cluster", "empty"}, {"taskDefinition", "job"}, {"containerInstances", {instance}}}),
              Code::invalid_parameter, "Container instance '" + instance + "' is not in cluster empty.");

  check_error(ecs_call(*ctx, "StopTask", Json{{"task", "0f"}}), Code::invalid_parameter,
              "The referenced task was not found.");
  const std::string elsewhere = "arn:aws:ecs:local:000000000000:task/empty/0f";
  check_error(ecs_call(*ctx, "StopTask", Json{{"task", elsewhere}}), Code::invalid_parameter,
              "'" + elsewhere + "' is not a task ARN of cluster default.");
  check_error(ecs_call(*ctx, "StopTask", Json{{"cluster", "nope"}, {"task", "0f"}}), Code::cluster_not_found,
              "Cluster not found.");
  check_error(ecs_call(*ctx, "DescribeTasks", Json{{"cluster", "nope"}, {"tasks", {"0f"}}}), Code::cluster_not_found,
              "Cluster not found.");
  check_error(ecs_call(*ctx, "ListTasks", Json{{"cluster", "nope"}}), Code::cluster_not_found, "Cluster not found.");

  REQUIRE_OK(ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}}));
  // An instance of another cluster holds none of this cluster's tasks.
  const std::string foreign = ctx->arns.container_instance("empty", instance);
  CHECK(ecs_call(*ctx, "ListTasks", Json{{"containerInstance", foreign}})->dump() == R"({"taskArns":[]})");
}

TEST_CASE_METHOD(ServiceFixture, "resolve_run_task checks a decoded RunTask against the store", "[svc]") {
  register_instance(*ctx, 1024);
  register_job(*ctx);
  model::RunTaskRequest request;
  request.launch.task_definition = "job";
  request.launch.started_by = "scheduler/nightly";
  request.count = 2;
  auto resolved = svc::resolve_run_task(*ctx, request);
  REQUIRE_OK(resolved);
  CHECK(resolved->cluster == "default");
  CHECK(resolved->definition.family == "job");
  CHECK(resolved->group == "family:job");
  CHECK(resolved->count == 2);
  CHECK(resolved->started_by == "scheduler/nightly");

  request.launch.task_definition = "job:7";
  check_error(svc::resolve_run_task(*ctx, request), Code::client, "Unable to find task definition 'job:7'.");

  const std::vector<sched::PlacementFailure> failures{{"i1", "RESOURCE:CPU"}};
  const auto named = svc::placement_failures(*ctx, "default", failures);
  REQUIRE(named.size() == 1);
  CHECK(named[0].arn == ctx->arns.container_instance("default", "i1"));
  CHECK(named[0].reason == "RESOURCE:CPU");
}

TEST_CASE_METHOD(ServiceFixture, "RunTask places by required attributes and hands out GPUs; DescribeTasks shows gpuIds",
                 "[svc]") {
  model::NodeRegistration node;
  node.cluster = "default";
  node.instance_id = "gpu-node";
  node.cpu_units = 4096;
  node.memory_mib = 4096;
  node.attributes = {{"ecs.cpu-architecture", "x86_64"}, {"berth.capability.memory-swappiness", ""}};
  node.gpu_ids = {"0", "1"};
  REQUIRE_OK(svc::register_node(*ctx, node));
  const std::string arn = ctx->arns.container_instance("default", "gpu-node");

  REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"arm","networkMode":"host",
      "runtimePlatform":{"cpuArchitecture":"ARM64"},
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64}]})")));
  auto described = ecs_call(*ctx, "DescribeTaskDefinition", Json{{"taskDefinition", "arm"}});
  REQUIRE_OK(described);
  CHECK((*described)["taskDefinition"]["requiresAttributes"] ==
        Json::parse(R"([{"name":"ecs.cpu-architecture","value":"arm64"}])"));
  auto arm = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "arm"}});
  REQUIRE_OK(arm);
  CHECK((*arm)["tasks"] == Json::array());
  CHECK((*arm)["failures"] == Json{{{"arn", arn}, {"reason", "ATTRIBUTE"}}});

  REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"gpu","networkMode":"host",
      "runtimePlatform":{"cpuArchitecture":"X86_64"},
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64,
                               "resourceRequirements":[{"type":"GPU","value":"1"}]}]})")));
  const auto gpu_left = [&] {
    auto instances = ecs_call(*ctx, "DescribeContainerInstances", Json{{"containerInstances", {arn}}});
    REQUIRE_OK(instances);
    for (const auto& r : (*instances)["containerInstances"][0]["remainingResources"]) {
      if (r["name"] == "GPU") return r["stringSetValue"];
    }
    return Json();
  };
  CHECK(gpu_left() == Json::parse(R"(["0","1"])"));
  std::set<std::string> given;
  for (int i = 0; i < 2; ++i) {
    auto ran = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "gpu"}});
    REQUIRE_OK(ran);
    REQUIRE((*ran)["tasks"].size() == 1);
    const Json ids = (*ran)["tasks"][0]["containers"][0]["gpuIds"];
    REQUIRE(ids.size() == 1);
    given.insert(ids[0].get<std::string>());
  }
  CHECK(given == std::set<std::string>{"0", "1"});
  CHECK(gpu_left() == Json::array());
  auto third = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "gpu"}});
  REQUIRE_OK(third);
  CHECK((*third)["failures"] == Json{{{"arn", arn}, {"reason", "RESOURCE:GPU"}}});
}

}  // namespace tasks_test
