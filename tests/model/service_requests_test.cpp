#include "model/service_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "model/capacity_provider.hpp"
#include "model/request_shapes.hpp"

namespace service_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const ArnScope k_arns{"local", "000000000000"};

// `text` parsed and shape-checked as the API does first.
Json checked(const Shape& shape, const char* text) {
  Json body = Json::parse(text);
  REQUIRE(check_shape(body, shape).has_value());
  return body;
}

Result<CreateServiceRequest> create(const char* text) {
  return decode_create_service(checked(request_shapes::create_service, text));
}

Result<UpdateServiceRequest> update(const char* text) {
  return decode_update_service(checked(request_shapes::update_service, text));
}

}  // namespace

TEST_CASE("CreateService decoder: defaults and every member", "[model][requests]") {
  auto plain = create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":2})");
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->cluster.has_value());
  CHECK(plain->name == "web");
  CHECK(plain->task_definition == "web:1");
  CHECK(plain->scheduling_strategy == SchedulingStrategy::replica);
  CHECK(plain->desired_count == 2);
  CHECK_FALSE(plain->deployment_configuration.has_value());
  CHECK(plain->placement_constraints == Json::array());
  CHECK(plain->placement_strategy == Json::array());
  CHECK(plain->health_check_grace_period_seconds == 0);
  CHECK(plain->tags.empty());

  auto full = create(R"({"cluster":"edge","serviceName":"web","taskDefinition":"web","desiredCount":0,
      "deploymentConfiguration":{"maximumPercent":150,"deploymentCircuitBreaker":{"enable":true,"rollback":true}},
      "placementConstraints":[{"type":"memberOf","expression":"attribute:role == hub"}],
      "placementStrategy":[{"type":"binpack","field":"memory"}],"healthCheckGracePeriodSeconds":15,
      "deploymentController":{"type":"ECS"},"tags":[{"key":"site","value":"north"}]})");
  REQUIRE(full.has_value());
  CHECK(full->cluster == "edge");
  CHECK(full->desired_count == 0);
  REQUIRE(full->deployment_configuration.has_value());
  CHECK(full->deployment_configuration->maximum_percent == 150);
  CHECK_FALSE(full->deployment_configuration->minimum_healthy_percent.has_value());
  CHECK(full->deployment_configuration->given.dump() ==
        R"({"deploymentCircuitBreaker":{"enable":true,"rollback":true},"maximumPercent":150})");
  CHECK(full->placement_constraints.dump() == R"([{"expression":"attribute:role == hub","type":"memberOf"}])");
  CHECK(full->placement_strategy.dump() == R"([{"field":"memory","type":"binpack"}])");
  CHECK(full->health_check_grace_period_seconds == 15);
  CHECK(full->tags == std::vector<Tag>{{"site", "north"}});

  auto daemon = create(R"({"serviceName":"node","taskDefinition":"agent","schedulingStrategy":"DAEMON",
      "deploymentConfiguration":{"maximumPercent":100,"minimumHealthyPercent":0}})");
  REQUIRE(daemon.has_value());
  CHECK(daemon->scheduling_strategy == SchedulingStrategy::daemon);
  CHECK(daemon->desired_count == 0);
  CHECK(daemon->deployment_configuration->minimum_healthy_percent == 0);
}

TEST_CASE("CreateService decoder: ECS's errors", "[model][requests]") {
  check_error(create(R"({"serviceName":"no/slashes","taskDefinition":"web","desiredCount":1})"),
              Code::invalid_parameter,
              "Service name 'no/slashes' is invalid: up to 255 letters (uppercase and lowercase), numbers, hyphens, "
              "and underscores are allowed.");
  check_error(create(R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON","desiredCount":1})"),
              Code::invalid_parameter, "DAEMON services take no desiredCount.");
  check_error(create(R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                         "placementStrategy":[{"type":"random"}]})"),
              Code::invalid_parameter, "DAEMON services take no placementStrategy.");
  check_error(create(R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                         "deploymentConfiguration":{"maximumPercent":200}})"),
              Code::invalid_parameter, "DAEMON services need maximumPercent 100.");
  check_error(create(R"({"serviceName":"d","taskDefinition":"web","schedulingStrategy":"DAEMON",
                         "deploymentConfiguration":{"maximumPercent":50}})"),
              Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                         "deploymentController":{"type":"CODE_DEPLOY"}})"),
              Code::unsupported_feature, "The CODE_DEPLOY deployment controller needs AWS CodeDeploy and an Elastic Load Balancing target group; a "
              "gateway has neither. Use the EXTERNAL deployment controller and drive blue/green or canary rollouts with "
              "task sets (CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet).");
  check_error(create(R"({"serviceName":"s","desiredCount":1})"), Code::invalid_parameter, "taskDefinition is required.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web"})"), Code::invalid_parameter,
              "desiredCount is required for the REPLICA scheduling strategy.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":-1})"), Code::invalid_parameter,
              "desiredCount must not be negative.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                         "deploymentConfiguration":{"minimumHealthyPercent":101}})"),
              Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                         "deploymentConfiguration":{"maximumPercent":99}})"),
              Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,
                         "placementConstraints":[{"type":"memberOf"}]})"),
              Code::invalid_parameter, "memberOf needs an expression.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,"placementStrategy":[
                         {"type":"random"},{"type":"random"},{"type":"random"},{"type":"random"},{"type":"random"},
                         {"type":"random"}]})"),
              Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  check_error(create(R"({"serviceName":"s","taskDefinition":"web","desiredCount":1,"tags":[{"key":"aws:x","value":"1"}]})"),
              Code::invalid_parameter, "Tag key 'aws:x' uses the reserved prefix 'aws:'.");
}

TEST_CASE("UpdateService decoder: only what is given changes", "[model][requests]") {
  auto minimal = update(R"({"service":"web"})");
  REQUIRE(minimal.has_value());
  CHECK(minimal->service == "web");
  CHECK_FALSE(minimal->cluster.has_value());
  CHECK_FALSE(minimal->desired_count.has_value());
  CHECK_FALSE(minimal->task_definition.has_value());
  CHECK_FALSE(minimal->deployment_configuration.has_value());
  CHECK_FALSE(minimal->placement_constraints.has_value());
  CHECK_FALSE(minimal->placement_strategy.has_value());
  CHECK_FALSE(minimal->health_check_grace_period_seconds.has_value());
  CHECK_FALSE(minimal->force_new_deployment);

  auto full = update(R"({"cluster":"edge","service":"web","desiredCount":0,"taskDefinition":"web:3",
      "deploymentConfiguration":{"minimumHealthyPercent":0},"placementConstraints":[],
      "placementStrategy":[{"type":"spread","field":"host"}],"healthCheckGracePeriodSeconds":5,
      "forceNewDeployment":true})");
  REQUIRE(full.has_value());
  CHECK(full->cluster == "edge");
  CHECK(full->desired_count == 0);
  CHECK(full->task_definition == "web:3");
  CHECK(full->deployment_configuration->minimum_healthy_percent == 0);
  CHECK(full->placement_constraints == Json::array());
  CHECK(full->placement_strategy->dump() == R"([{"field":"host","type":"spread"}])");
  CHECK(full->health_check_grace_period_seconds == 5);
  CHECK(full->force_new_deployment);

  check_error(update(R"({"service":"web","desiredCount":-1})"), Code::invalid_parameter,
              "desiredCount must not be negative.");
  check_error(update(R"({"service":"web","deploymentConfiguration":{"minimumHealthyPercent":-1}})"),
              Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  check_error(update(R"({"service":"web","deploymentConfiguration":{"maximumPercent":10001}})"),
              Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  check_error(update(R"({"service":"web","placementConstraints":[{"type":"memberOf"}]})"), Code::invalid_parameter,
              "memberOf needs an expression.");
}

TEST_CASE("DeleteService, DescribeServices and ListServices decoders", "[model][requests]") {
  auto deleted = decode_delete_service(checked(request_shapes::delete_service, R"({"cluster":"edge","service":"web","force":true})"));
  REQUIRE(deleted.has_value());
  CHECK(deleted->cluster == "edge");
  CHECK(deleted->service == "web");
  CHECK(deleted->force);
  CHECK_FALSE(decode_delete_service(checked(request_shapes::delete_service, R"({"service":"web"})"))->force);

  auto described = decode_describe_services(
      checked(request_shapes::describe_services, R"({"services":["a","arn:aws:ecs:local:000000000000:service/default/b"],"include":["TAGS"]})"));
  REQUIRE(described.has_value());
  CHECK(described->services == std::vector<std::string>{"a", "arn:aws:ecs:local:000000000000:service/default/b"});
  CHECK(described->with_tags);
  CHECK_FALSE(decode_describe_services(checked(request_shapes::describe_services, R"({"services":["a"]})"))->with_tags);
  check_error(decode_describe_services(checked(request_shapes::describe_services, R"({"services":[]})")),
              Code::invalid_parameter, "DescribeServices takes 1 to 10 services.");
  check_error(decode_describe_services(Json{{"services", std::vector<std::string>(11, "s")}}), Code::invalid_parameter,
              "DescribeServices takes 1 to 10 services.");

  auto plain = decode_list_services(Json::object());
  REQUIRE(plain.has_value());
  CHECK(plain->page.limit == 10);
  CHECK(plain->page.after.empty());
  CHECK_FALSE(plain->scheduling_strategy.has_value());
  auto listed = decode_list_services(checked(request_shapes::list_services, R"({"cluster":"edge","maxResults":3,
      "schedulingStrategy":"DAEMON","launchType":"EC2"})"));
  REQUIRE(listed.has_value());
  CHECK(listed->cluster == "edge");
  CHECK(listed->page.limit == 3);
  CHECK(listed->scheduling_strategy == SchedulingStrategy::daemon);
  CHECK(decode_list_services(Json{{"nextToken", make_next_token("services", "web")}})->page.after == "web");
  check_error(decode_list_services(Json{{"nextToken", make_next_token("clusters", "c")}}), Code::invalid_parameter,
              "The nextToken is not valid for this request.");
}

TEST_CASE("service encoders: golden replies", "[model][requests]") {
  Service s;
  s.cluster = "edge";
  s.name = "web";
  s.desired_count = 2;
  s.deployment_configuration = Json::parse(R"({"deploymentCircuitBreaker":{"enable":true,"rollback":false}})");
  s.health_check_grace_period_seconds = 30;
  s.created_at = 1'700'000'000'000;
  s.deployments.push_back({.id = "ecs-svc/1", .family = "web", .revision = 2, .desired_count = 2, .pending_count = 1,
                           .running_count = 1, .created_at = 1'700'000'000'000, .updated_at = 1'700'000'001'500});
  add_event(s, "(service web) has reached a steady state.", 1'700'000'002'000, "e1");
  const std::string body =
      R"({"clusterArn":"arn:aws:ecs:local:000000000000:cluster/edge","createdAt":1700000000.0,)"
      R"("createdBy":"arn:aws:iam::000000000000:root","deploymentConfiguration":{"deploymentCircuitBreaker":)"
      R"({"enable":true,"rollback":false},"maximumPercent":200,"minimumHealthyPercent":100},)"
      R"("deploymentController":{"type":"ECS"},"deployments":[{"createdAt":1700000000.0,"desiredCount":2,)"
      R"("failedTasks":0,"id":"ecs-svc/1","launchType":"EC2","pendingCount":1,"rolloutState":"IN_PROGRESS",)"
      R"("rolloutStateReason":"ECS deployment in progress.","runningCount":1,"status":"PRIMARY",)"
      R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2","updatedAt":1700000001.5}],)"
      R"("desiredCount":2,"enableECSManagedTags":false,"enableExecuteCommand":false,"events":[{"createdAt":1700000002.0,)"
      R"("id":"e1","message":"(service web) has reached a steady state."}],"healthCheckGracePeriodSeconds":30,)"
      R"("launchType":"EC2","loadBalancers":[],"pendingCount":1,"placementConstraints":[],"placementStrategy":[],"propagateTags":"NONE",)"
      R"("runningCount":1,"schedulingStrategy":"REPLICA","serviceArn":"arn:aws:ecs:local:000000000000:service/edge/web",)"
      R"("serviceName":"web","serviceRegistries":[],"status":"ACTIVE","taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:2"})";
  CHECK(encode_service_reply({{s, std::nullopt}}, k_arns).dump() == R"({"service":)" + body + "}");

  std::string tagged = body;
  tagged.insert(tagged.rfind(R"("taskDefinition")"), R"("tags":[{"key":"k","value":"v"}],)");
  CHECK(encode_describe_services({{{s, std::vector<Tag>{{"k", "v"}}}}, {{"arn:aws:ecs:local:000000000000:service/edge/x", "MISSING"}}},
                                 k_arns).dump() ==
        R"({"failures":[{"arn":"arn:aws:ecs:local:000000000000:service/edge/x","reason":"MISSING"}],"services":[)" +
            tagged + "]}");
  CHECK(encode_describe_services({}, k_arns).dump() == R"({"failures":[],"services":[]})");

  CHECK(encode_list_services({{"arn:aws:ecs:local:000000000000:service/edge/web"}, std::nullopt}).dump() ==
        R"({"serviceArns":["arn:aws:ecs:local:000000000000:service/edge/web"]})");
  CHECK(encode_list_services({{}, "token"}).dump() == R"({"nextToken":"token","serviceArns":[]})");
}

TEST_CASE("CreateService and UpdateService take enableExecuteCommand for the tasks they start", "[model][requests]") {
  auto created = create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":1,"enableExecuteCommand":true})");
  REQUIRE(created.has_value());
  CHECK(created->enable_execute_command);
  auto plain = create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":1})");
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->enable_execute_command);
  auto updated = update(R"({"service":"web","enableExecuteCommand":false})");
  REQUIRE(updated.has_value());
  CHECK(updated->enable_execute_command == std::optional<bool>(false));
  auto untouched = update(R"({"service":"web"})");
  REQUIRE(untouched.has_value());
  CHECK_FALSE(untouched->enable_execute_command.has_value());
}

TEST_CASE("CreateService and UpdateService refuse launch settings a gateway cannot give", "[model][requests]") {
  check_error(create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":1,"launchType":"FARGATE"})"),
              Code::invalid_parameter, "launchType FARGATE is not supported: " + std::string(k_no_fargate));
  check_error(create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":1,"launchType":"MANAGED_INSTANCES"})"),
              Code::client,
              "launchType MANAGED_INSTANCES is not supported: berth runs tasks on its own container instances (EC2, EXTERNAL).");
  check_error(update(R"({"service":"web","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT"}]})"),
              Code::invalid_parameter, "The capacity provider FARGATE_SPOT is not supported: " + std::string(k_no_fargate));
  // A service keeps its volumeConfigurations (stored and shown, not acted on).
  CHECK(update(R"({"service":"web","volumeConfigurations":[{"name":"ebs"}]})").has_value());
  CHECK(create(R"({"serviceName":"web","taskDefinition":"web:1","desiredCount":1,"launchType":"EXTERNAL",
                   "enableExecuteCommand":false})").has_value());
}

}  // namespace service_requests_test
