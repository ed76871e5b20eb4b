#include "model/task_set_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"
#include "model/request_shapes.hpp"
#include "model/service_requests.hpp"

namespace task_set_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;

namespace {

const ArnScope k_arns{"local", "000000000000"};

Json body(const Shape& shape, const std::string& json) { return shape_checked(shape, Json::parse(json)); }

}  // namespace

TEST_CASE("CreateTaskSet decoder: scale, external id and tags", "[model][task_set]") {
  auto full = decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"edge","service":"web","taskDefinition":"web:2","externalId":"canary-7",
          "scale":{"value":10,"unit":"PERCENT"},"tags":[{"key":"stage","value":"canary"}],
          "launchType":"EC2","loadBalancers":[],"clientToken":"t"})"));
  REQUIRE(full.has_value());
  CHECK(full->cluster == "edge");
  CHECK(full->service == "web");
  CHECK(full->task_definition == "web:2");
  CHECK(full->external_id == "canary-7");
  CHECK(full->scale_percent == 10.0);
  REQUIRE(full->tags.size() == 1);
  CHECK(full->tags[0].key == "stage");
  // Without a scale, the whole service's count.
  auto plain = decode_create_task_set(body(request_shapes::create_task_set,
                                           R"({"cluster":"edge","service":"web","taskDefinition":"web"})"));
  REQUIRE(plain.has_value());
  CHECK(plain->scale_percent == 100.0);
  CHECK(plain->launch_type == LaunchType::ec2);
  CHECK_FALSE(plain->capacity.launch_type_given);
  CHECK_FALSE(plain->capacity.strategy);
  CHECK(plain->load_balancers == Json::array());
  CHECK(plain->external_id.empty());
}

TEST_CASE("CreateTaskSet decoder: launch type, capacity providers and attachments", "[model][task_set]") {
  auto given = decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"edge","service":"web","taskDefinition":"web","launchType":"EXTERNAL",
          "loadBalancers":[{"targetGroupArn":"tg","containerName":"main","containerPort":80}],
          "serviceRegistries":[{"registryArn":"srv"}]})"));
  REQUIRE(given.has_value());
  CHECK(given->launch_type == LaunchType::external);
  CHECK(given->capacity.launch_type_given);
  CHECK(given->load_balancers == Json::parse(R"([{"targetGroupArn":"tg","containerName":"main","containerPort":80}])"));
  CHECK(given->service_registries == Json::parse(R"([{"registryArn":"srv"}])"));
  auto strategy = decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"edge","service":"web","taskDefinition":"web",
          "capacityProviderStrategy":[{"capacityProvider":"edge","weight":2}]})"));
  REQUIRE(strategy.has_value());
  REQUIRE(strategy->capacity.strategy);
  CHECK(strategy->capacity.strategy->front().capacity_provider == "edge");
  CHECK(strategy->capacity.strategy->front().weight == 2);
  // ECS's refusals: both given, an entry that is not an object.
  CHECK(decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"edge","service":"web","taskDefinition":"web","launchType":"EC2",
          "capacityProviderStrategy":[{"capacityProvider":"edge"}]})")).error().code == Code::invalid_parameter);
  CHECK(decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"edge","service":"web","taskDefinition":"web","serviceRegistries":[7]})")).error().message ==
        "serviceRegistries entries must be objects.");
}

TEST_CASE("task set decoders refuse a scale outside 0-100, a missing value and Fargate", "[model][task_set]") {
  const auto create = [](const std::string& scale) {
    return decode_create_task_set(body(request_shapes::create_task_set,
        R"({"cluster":"c","service":"s","taskDefinition":"t","scale":)" + scale + "}"));
  };
  check_error(create(R"({"value":100.5,"unit":"PERCENT"})"), Code::invalid_parameter, "scale.value must be between 0 and 100.");
  check_error(create(R"({"value":-1})"), Code::invalid_parameter, "scale.value must be between 0 and 100.");
  check_error(create(R"({"unit":"PERCENT"})"), Code::invalid_parameter, "scale.value is required.");
  auto fargate = decode_create_task_set(body(request_shapes::create_task_set,
      R"({"cluster":"c","service":"s","taskDefinition":"t","launchType":"FARGATE"})"));
  REQUIRE_FALSE(fargate.has_value());
  CHECK(fargate.error().code == Code::invalid_parameter);
  check_error(decode_update_task_set(body(request_shapes::update_task_set,
                  R"({"cluster":"c","service":"s","taskSet":"ecs-svc/1","scale":{"value":101}})")),
              Code::invalid_parameter, "scale.value must be between 0 and 100.");
  // The shapes: PERCENT is the only unit, and UpdateTaskSet needs a scale.
  Json bad_unit = Json::parse(R"({"cluster":"c","service":"s","taskSet":"x","scale":{"value":1,"unit":"TASKS"}})");
  CHECK_FALSE(check_shape(bad_unit, request_shapes::update_task_set).has_value());
  Json no_scale = Json::parse(R"({"cluster":"c","service":"s","taskSet":"x"})");
  CHECK_FALSE(check_shape(no_scale, request_shapes::update_task_set).has_value());
}

TEST_CASE("DescribeTaskSets, UpdateTaskSet, DeleteTaskSet and UpdateServicePrimaryTaskSet decoders", "[model][task_set]") {
  auto all = decode_describe_task_sets(body(request_shapes::describe_task_sets, R"({"cluster":"c","service":"s"})"));
  REQUIRE(all.has_value());
  CHECK_FALSE(all->task_sets.has_value());
  CHECK_FALSE(all->with_tags);
  auto named = decode_describe_task_sets(body(request_shapes::describe_task_sets,
      R"({"cluster":"c","service":"s","taskSets":["ecs-svc/1"],"include":["TAGS"]})"));
  REQUIRE(named.has_value());
  CHECK(named->task_sets == std::vector<std::string>{"ecs-svc/1"});
  CHECK(named->with_tags);
  auto update = decode_update_task_set(body(request_shapes::update_task_set,
      R"({"cluster":"c","service":"s","taskSet":"ecs-svc/1","scale":{"value":62.5,"unit":"PERCENT"}})"));
  REQUIRE(update.has_value());
  CHECK(update->task_set == "ecs-svc/1");
  CHECK(update->scale_percent == 62.5);
  auto removal = decode_delete_task_set(body(request_shapes::delete_task_set,
      R"({"cluster":"c","service":"s","taskSet":"ecs-svc/1","force":true})"));
  REQUIRE(removal.has_value());
  CHECK(removal->force);
  auto primary = decode_update_service_primary_task_set(body(request_shapes::update_service_primary_task_set,
      R"({"cluster":"c","service":"s","primaryTaskSet":"ecs-svc/2"})"));
  REQUIRE(primary.has_value());
  CHECK(primary->primary_task_set == "ecs-svc/2");
}

TEST_CASE("task set replies: {taskSet} and {taskSets, failures}", "[model][task_set]") {
  TaskSet set;
  set.id = "ecs-svc/1";
  set.family = "web";
  set.revision = 1;
  const TaskSetOwner owner{"c", "s", 4};
  const auto one = encode_task_set_reply({owner, {set, std::nullopt}}, k_arns);
  CHECK(one["taskSet"]["computedDesiredCount"] == 4);
  CHECK(one["taskSet"]["taskSetArn"] == "arn:aws:ecs:local:000000000000:task-set/c/s/ecs-svc/1");
  const auto many = encode_describe_task_sets({owner, {{set, std::vector<Tag>{}}}, {{"arn:x", "MISSING"}}}, k_arns);
  CHECK(many["taskSets"].size() == 1);
  CHECK(many["taskSets"][0]["tags"] == Json::array());
  CHECK(many["failures"][0]["reason"] == "MISSING");
}

TEST_CASE("CreateService's deployment controllers: EXTERNAL needs no task definition, CODE_DEPLOY is refused",
          "[model][task_set]") {
  auto external = decode_create_service(body(request_shapes::create_service,
      R"({"serviceName":"web","desiredCount":4,"deploymentController":{"type":"EXTERNAL"}})"));
  REQUIRE(external.has_value());
  CHECK(external->deployment_controller == DeploymentController::external);
  auto ecs = decode_create_service(body(request_shapes::create_service, R"({"serviceName":"web","desiredCount":1})"));
  REQUIRE_FALSE(ecs.has_value());  // ECS's controller needs one
  CHECK(ecs.error().message == "taskDefinition is required.");
  auto code_deploy = decode_create_service(body(request_shapes::create_service,
      R"({"serviceName":"web","taskDefinition":"web","desiredCount":1,"deploymentController":{"type":"CODE_DEPLOY"}})"));
  REQUIRE_FALSE(code_deploy.has_value());
  CHECK(code_deploy.error().code == Code::unsupported_feature);
  CHECK(code_deploy.error().message.starts_with("The CODE_DEPLOY deployment controller needs AWS CodeDeploy"));
  check_error(decode_create_service(body(request_shapes::create_service,
                  R"({"serviceName":"web","schedulingStrategy":"DAEMON","deploymentController":{"type":"EXTERNAL"}})")),
              Code::invalid_parameter, "The EXTERNAL deployment controller does not support the DAEMON scheduling strategy.");
}

}  // namespace task_set_requests_test
