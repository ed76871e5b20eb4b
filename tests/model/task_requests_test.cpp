#include "model/task_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"
#include "model/request_shapes.hpp"

namespace task_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;

namespace {

const ArnScope k_arns{"local", "000000000000"};

// A shape-checked RunTask body for "web" with `members` (",..." JSON members) added.
Json run(const std::string& members) {
  return shape_checked(request_shapes::run_task, Json::parse(R"({"taskDefinition":"web")" + members + "}"));
}

}  // namespace

TEST_CASE("RunTask decoder: defaults and the members RunTask and StartTask share", "[model][requests]") {
  auto plain = decode_run_task(run(""));
  REQUIRE(plain.has_value());
  CHECK(plain->count == 1);
  CHECK_FALSE(plain->launch.cluster.has_value());
  CHECK(plain->launch.task_definition == "web");
  CHECK(plain->launch.group.empty());
  CHECK(plain->launch.started_by.empty());
  CHECK(plain->launch.overrides == Json::object());
  CHECK(plain->launch.placement_constraints.empty());
  CHECK(plain->launch.placement_strategy.empty());
  CHECK(plain->launch.tags.empty());

  auto full = decode_run_task(run(R"(,"cluster":"edge","count":3,"group":"batch","startedBy":"cron",
      "overrides":{"cpu":"1 vCPU","memory":"1GB","containerOverrides":[{"name":"main","command":["true"]}]},
      "placementConstraints":[{"type":"memberOf","expression":"attribute:site == north"},{"type":"distinctInstance"}],
      "placementStrategy":[{"type":"spread","field":"instanceId"}],"tags":[{"key":"team","value":"ops"}])"));
  REQUIRE(full.has_value());
  CHECK(full->count == 3);
  CHECK(full->launch.cluster == "edge");
  CHECK(full->launch.group == "batch");
  CHECK(full->launch.started_by == "cron");
  // Task cpu and memory are kept in the units tasks store; container overrides as given.
  CHECK(full->launch.overrides.dump() == R"({"containerOverrides":[{"command":["true"],"name":"main"}],"cpu":"1024","memory":"1024"})");
  REQUIRE(full->launch.placement_constraints.size() == 2);
  CHECK(full->launch.placement_constraints[0].type == "memberOf");
  CHECK(full->launch.placement_constraints[0].expression == "attribute:site == north");
  CHECK(full->launch.placement_constraints[1].type == "distinctInstance");
  CHECK_FALSE(full->launch.placement_constraints[1].expression.has_value());
  REQUIRE(full->launch.placement_strategy.size() == 1);
  CHECK(full->launch.placement_strategy[0].type == "spread");
  CHECK(full->launch.placement_strategy[0].field == "instanceId");
  CHECK(full->launch.tags == std::vector<Tag>{{"team", "ops"}});

  CHECK(decode_run_task(run(R"(,"startedBy":")" + std::string(128, 's') + R"(")")).has_value());
  check_error(decode_run_task(run(R"(,"startedBy":")" + std::string(129, 's') + R"(")")), Code::invalid_parameter,
              "startedBy is limited to 128 characters.");
  CHECK(decode_run_task(run(R"(,"group":")" + std::string(255, 'g') + R"(")")).has_value());
  check_error(decode_run_task(run(R"(,"group":")" + std::string(256, 'g') + R"(")")), Code::invalid_parameter,
              "group is limited to 255 characters.");
  check_error(decode_run_task(run(R"(,"overrides":{"cpu":"lots"})")), Code::client,
              "Invalid 'cpu' setting for task: 'lots'. Use a whole number of CPU units or vCPU (e.g. \"1024\" or "
              "\"1 vCPU\").");
  check_error(decode_run_task(run(R"(,"overrides":{"memory":"1TB"})")), Code::client,
              "Invalid 'memory' setting for task: '1TB'. Use a whole number of MiB or GB (e.g. \"512\" or \"1GB\").");
  check_error(decode_run_task(run(R"(,"tags":[{"key":"aws:x","value":"1"}])")), Code::invalid_parameter,
              "Tag key 'aws:x' uses the reserved prefix 'aws:'.");
  // The shape keeps count within what one RunTask may start.
  Json too_many = Json::parse(R"({"taskDefinition":"web","count":11})");
  CHECK_FALSE(check_shape(too_many, request_shapes::run_task).has_value());
}

TEST_CASE("StartTask decoder: the shared members and 1 to 10 container instances", "[model][requests]") {
  const auto start = [](const std::string& instances, const std::string& members = "") {
    return decode_start_task(shape_checked(request_shapes::start_task,
                                     Json::parse(R"({"taskDefinition":"web:2","containerInstances":)" + instances + members + "}")));
  };
  auto started = start(R"(["i1","arn:aws:ecs:local:000000000000:container-instance/edge/i2"])", R"(,"group":"g","startedBy":"me")");
  REQUIRE(started.has_value());
  CHECK(started->container_instances ==
        std::vector<std::string>{"i1", "arn:aws:ecs:local:000000000000:container-instance/edge/i2"});
  CHECK(started->launch.task_definition == "web:2");
  CHECK(started->launch.group == "g");
  CHECK(started->launch.started_by == "me");

  CHECK(start(Json(std::vector<std::string>(10, "i")).dump()).has_value());
  check_error(start("[]"), Code::invalid_parameter, "StartTask takes 1 to 10 container instances.");
  check_error(start(Json(std::vector<std::string>(11, "i")).dump()), Code::invalid_parameter,
              "StartTask takes 1 to 10 container instances.");
  // The members RunTask checks are checked here too.
  check_error(start(R"(["i1"])", R"(,"group":")" + std::string(256, 'g') + R"(")"), Code::invalid_parameter,
              "group is limited to 255 characters.");
}

TEST_CASE("StopTask, DescribeTasks and ListTasks decoders", "[model][requests]") {
  auto stopped = decode_stop_task(shape_checked(request_shapes::stop_task, Json{{"task", "0f3c"}}));
  REQUIRE(stopped.has_value());
  CHECK_FALSE(stopped->cluster.has_value());
  CHECK(stopped->task == "0f3c");
  CHECK(stopped->reason == "Task stopped by the user");
  auto with_reason = decode_stop_task(Json{{"cluster", "edge"}, {"task", "0f3c"}, {"reason", "maintenance"}});
  REQUIRE(with_reason.has_value());
  CHECK(with_reason->cluster == "edge");
  CHECK(with_reason->reason == "maintenance");
  CHECK(decode_stop_task(Json{{"task", "t"}, {"reason", std::string(1024, 'r')}}).has_value());
  check_error(decode_stop_task(Json{{"task", "t"}, {"reason", std::string(1025, 'r')}}), Code::invalid_parameter,
              "reason is limited to 1024 characters.");

  auto described = decode_describe_tasks(shape_checked(request_shapes::describe_tasks,
                                                 Json::parse(R"({"cluster":"edge","tasks":["a","b"],"include":["TAGS"]})")));
  REQUIRE(described.has_value());
  CHECK(described->cluster == "edge");
  CHECK(described->tasks == std::vector<std::string>{"a", "b"});
  CHECK(described->with_tags);
  CHECK_FALSE(decode_describe_tasks(Json{{"tasks", Json::array()}})->with_tags);
  CHECK(decode_describe_tasks(Json{{"tasks", std::vector<std::string>(100, "t")}}).has_value());
  check_error(decode_describe_tasks(Json{{"tasks", std::vector<std::string>(101, "t")}}), Code::invalid_parameter,
              "DescribeTasks takes at most 100 tasks.");

  auto listed = decode_list_tasks(shape_checked(request_shapes::list_tasks, Json::object()));
  REQUIRE(listed.has_value());
  CHECK(listed->desired_status == TaskStatus::running);
  CHECK(listed->page.limit == 100);
  CHECK(listed->page.after.empty());
  CHECK_FALSE(listed->cluster.has_value());
  CHECK_FALSE(listed->family.has_value());
  CHECK_FALSE(listed->container_instance.has_value());

  auto filtered = decode_list_tasks(shape_checked(request_shapes::list_tasks, Json::parse(R"({"cluster":"edge",
      "containerInstance":"i1","family":"web","startedBy":"cron","serviceName":"api","desiredStatus":"STOPPED",
      "maxResults":2})")));
  REQUIRE(filtered.has_value());
  CHECK(filtered->cluster == "edge");
  CHECK(filtered->container_instance == "i1");
  CHECK(filtered->family == "web");
  CHECK(filtered->started_by == "cron");
  CHECK(filtered->service_name == "api");
  CHECK(filtered->desired_status == TaskStatus::stopped);
  CHECK(filtered->page.limit == 2);
  CHECK(decode_list_tasks(Json{{"desiredStatus", "PENDING"}})->desired_status == TaskStatus::pending);
  CHECK(decode_list_tasks(Json{{"nextToken", make_next_token("tasks", "t9")}})->page.after == "t9");
  check_error(decode_list_tasks(Json{{"nextToken", make_next_token("services", "s")}}), Code::invalid_parameter,
              "The nextToken is not valid for this request.");
  // The shape refuses the statuses ListTasks does not filter by.
  Json stopping{{"desiredStatus", "STOPPING"}};
  CHECK_FALSE(check_shape(stopping, request_shapes::list_tasks).has_value());
}

TEST_CASE("task encoders: golden replies", "[model][requests]") {
  Task task;
  task.id = "0f3c";
  task.cluster = "edge";
  task.family = "web";
  task.revision = 2;
  task.container_instance_id = "i1";
  task.last_status = model::TaskStatus::running;
  task.group = "family:web";
  task.cpu = "256";
  task.memory = "64";
  task.created_at = 1'700'000'000'000;
  task.started_at = 1'700'000'001'500;
  TaskContainer main;
  main.name = "main";
  main.id = "c1";
  main.image = "busybox";
  main.last_status = model::TaskStatus::running;
  task.containers.push_back(main);
  const std::string wire =
      R"({"attachments":[],"attributes":[],"clusterArn":"arn:aws:ecs:local:000000000000:cluster/edge",)"
      R"("connectivity":"CONNECTED","connectivityAt":1700000001.5,)"
      R"("containerInstanceArn":"arn:aws:ecs:local:000000000000:container-instance/edge/i1",)"
      R"("containers":[{"containerArn":"arn:aws:ecs:local:000000000000:container/edge/0f3c/c1","healthStatus":"UNKNOWN",)"
      R"("image":"busybox","lastStatus":"RUNNING","name":"main","networkBindings":[],"networkInterfaces":[],)"
      R"("taskArn":"arn:aws:ecs:local:000000000000:task/edge/0f3c"}],"cpu":"256","createdAt":1700000000.0,)"
      R"("desiredStatus":"RUNNING","enableExecuteCommand":false,"group":"family:web","healthStatus":"UNKNOWN","lastStatus":"RUNNING","launchType":"EC2",)"
      R"("memory":"64","overrides":{"containerOverrides":[],"inferenceAcceleratorOverrides":[]},)"
      R"("startedAt":1700000001.5,"tags":)";
  const std::string tail =
      R"(,"taskArn":"arn:aws:ecs:local:000000000000:task/edge/0f3c",)"
      R"("taskDefinitionArn":"arn:aws:ecs:local:000000000000:task-definition/web:2","version":1})";

  CHECK(encode_tasks_reply({{{task, std::nullopt}}, {{"arn:x", "MISSING"}}}, k_arns).dump() ==
        R"({"failures":[{"arn":"arn:x","reason":"MISSING"}],"tasks":[)" + wire + "[]" + tail + "]}");
  CHECK(encode_tasks_reply({{{task, std::vector<Tag>{{"team", "ops"}}}}, {}}, k_arns).dump() ==
        R"({"failures":[],"tasks":[)" + wire + R"([{"key":"team","value":"ops"}])" + tail + "]}");
  CHECK(encode_tasks_reply({}, k_arns).dump() == R"({"failures":[],"tasks":[]})");

  task.desired_status = model::TaskStatus::stopped;
  task.stop_code = "UserInitiated";
  task.stopped_reason = "Task stopped by the user";
  const std::string stopped = encode_task_reply({task}, k_arns).dump();
  CHECK(stopped.starts_with(R"({"task":{"attachments":[])"));
  CHECK(stopped.find(R"("desiredStatus":"STOPPED")") != std::string::npos);
  CHECK(stopped.find(R"("stopCode":"UserInitiated","stoppedReason":"Task stopped by the user")") != std::string::npos);
  CHECK(stopped.ends_with(R"("tags":[],"taskArn":"arn:aws:ecs:local:000000000000:task/edge/0f3c",)"
                          R"("taskDefinitionArn":"arn:aws:ecs:local:000000000000:task-definition/web:2","version":1}})"));

  CHECK(encode_list_tasks({{"arn:1", "arn:2"}, std::nullopt}).dump() == R"({"taskArns":["arn:1","arn:2"]})");
  CHECK(encode_list_tasks({{}, "dG9r"}).dump() == R"({"nextToken":"dG9r","taskArns":[]})");
}

}  // namespace task_requests_test
