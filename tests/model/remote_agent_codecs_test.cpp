// The joined agent's codecs against the server's own: what the server encodes the agent decodes
// to the same values, and what the agent encodes the server decodes.
#include <catch2/catch.hpp>

#include "api/auth/sigv4.hpp"
#include "api/auth/sigv4_signer.hpp"
#include "model/remote_agent_codecs.hpp"
#include "fixtures/fixtures.hpp"

namespace remote_agent_codecs_test {

using namespace berth;
using model::Json;
using model::TaskStatus;

TEST_CASE("remote agent codecs: a poll reply the server encodes decodes to the tasks and definitions it lists",
          "[model][joined]") {
  const ArnScope arns{"local", "000000000000"};
  model::PollInstanceTasksReply reply;
  reply.cluster = "edge";
  reply.instance_id = "1234567890abcdef1234567890abcdef";
  reply.cursor = "abc";
  model::Task t;
  t.id = "0123456789abcdef0123456789abcdef";
  t.cluster = "edge";
  t.family = "web";
  t.revision = 3;
  t.container_instance_id = reply.instance_id;
  t.desired_status = TaskStatus::stopped;
  t.last_status = TaskStatus::running;
  t.group = "service:web";
  t.started_by = "ecs-svc/1";
  t.overrides = {{"containerOverrides", Json::array({{{"name", "webapp"}, {"command", {"sleep", "9"}}}})}};
  t.stop_code = "UserInitiated";
  t.stopped_reason = "because";
  t.created_at = 1'700'000'000'123;
  t.version = 5;
  model::TaskContainer c;
  c.name = "webapp";
  c.id = "abcd";
  c.last_status = TaskStatus::running;
  c.runtime_id = t.id + "-webapp";
  c.exit_code = 2;
  c.gpu_ids = {"0"};
  t.containers = {c};
  reply.tasks = {t};
  model::TaskDefinition td{"web", 3, model::TaskDefinitionStatus::active, berth::testing::make_task_def("web"), 1'700'000'000'000, {}};
  reply.definitions = {td};

  auto decoded = model::decode_poll_reply(model::encode_poll_instance_tasks(reply, arns));
  REQUIRE_OK(decoded);
  CHECK(decoded->cluster == "edge");
  CHECK(decoded->instance_id == reply.instance_id);
  CHECK(decoded->cursor == "abc");
  REQUIRE(decoded->tasks.size() == 1);
  const auto& d = decoded->tasks[0];
  CHECK(d.id == t.id);
  CHECK(d.cluster == "edge");
  CHECK(d.family == "web");
  CHECK(d.revision == 3);
  CHECK(d.container_instance_id == reply.instance_id);
  CHECK(d.desired_status == TaskStatus::stopped);
  CHECK(d.last_status == TaskStatus::running);
  CHECK(d.group == t.group);
  CHECK(d.started_by == t.started_by);
  CHECK(d.overrides == t.overrides);
  CHECK(d.stop_code == "UserInitiated");
  CHECK(d.stopped_reason == "because");
  CHECK(d.created_at == t.created_at);
  CHECK(d.version == 5);
  REQUIRE(d.containers.size() == 1);
  CHECK(d.containers[0].name == "webapp");
  CHECK(d.containers[0].id == "abcd");
  CHECK(d.containers[0].runtime_id == c.runtime_id);
  CHECK(d.containers[0].exit_code == std::optional<int>(2));
  CHECK(d.containers[0].gpu_ids == c.gpu_ids);
  REQUIRE(decoded->definitions.size() == 1);
  CHECK(decoded->definitions[0].family == "web");
  CHECK(decoded->definitions[0].revision == 3);
  CHECK(decoded->definitions[0].body == td.body);
}

TEST_CASE("remote agent codecs: a malformed poll reply is an error, not an exception", "[model][joined]") {
  for (const char* text : {R"({"containerInstanceArn": 3})", R"({"containerInstanceArn": "arn:aws:ecs:local:0:container-instance/c/i", "tasks": {}, "taskDefinitions": []})",
                           R"({"containerInstanceArn": "arn:aws:ecs:local:0:container-instance/c/i", "tasks": [{"taskArn": 1}], "taskDefinitions": []})",
                           R"({"containerInstanceArn": "arn:aws:ecs:local:0:container-instance/c/i", "tasks": [{"taskArn": "arn:aws:ecs:local:0:task/c/t", "taskDefinitionArn": "arn:aws:ecs:local:0:task-definition/web:x"}], "taskDefinitions": []})"}) {
    INFO(text);
    auto decoded = model::decode_poll_reply(Json::parse(text));
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().code == Code::server);
  }
}

TEST_CASE("remote agent codecs: a task with only the members the agent needs decodes; an exit code beyond int is "
          "malformed, not wrapped",
          "[model][joined]") {
  // No enableExecuteCommand, overrides or times: each is optional.
  auto reply = Json::parse(R"({"containerInstanceArn": "arn:aws:ecs:local:0:container-instance/c/i", "taskDefinitions": [],
      "tasks": [{"taskArn": "arn:aws:ecs:local:0:task/c/t", "taskDefinitionArn": "arn:aws:ecs:local:0:task-definition/web:1",
                 "containerInstanceArn": "arn:aws:ecs:local:0:container-instance/c/i", "lastStatus": "STOPPED",
                 "desiredStatus": "STOPPED", "containers": [{"name": "main", "containerArn": "arn:aws:ecs:local:0:container/c/t/main",
                 "lastStatus": "STOPPED", "exitCode": 137}]}]})");
  auto fits = model::decode_poll_reply(reply);
  REQUIRE(fits.has_value());
  CHECK(fits->tasks.at(0).containers.at(0).exit_code == std::optional<int>(137));
  for (const long long code : {4294967433LL, -4294967159LL}) {  // 137 and -137 once wrapped to 32 bits
    reply["tasks"][0]["containers"][0]["exitCode"] = code;
    auto decoded = model::decode_poll_reply(reply);
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().code == Code::server);
  }
}

TEST_CASE("remote agent codecs: the agent's reports decode on the server to what was reported", "[model][joined]") {
  model::SubmitTaskStateChangeRequest request;
  request.cluster = "edge";
  request.task = "t1";
  request.change.status = TaskStatus::stopped;
  request.change.reason = "Essential container in task exited";
  request.change.execution_stopped_at = 1'700'000'000'500;
  model::ContainerStateChange c;
  c.container_name = "webapp";
  c.status = TaskStatus::stopped;
  c.exit_code = 137;
  c.runtime_id = "t1-webapp";
  c.network_bindings = Json::array();
  request.change.containers = {c};
  auto decoded = model::decode_submit_task_state_change(model::encode_task_state_change(request));
  REQUIRE_OK(decoded);
  CHECK(decoded->cluster == request.cluster);
  CHECK(decoded->task == "t1");
  CHECK(decoded->change.status == TaskStatus::stopped);
  CHECK(decoded->change.reason == request.change.reason);
  CHECK(decoded->change.execution_stopped_at == request.change.execution_stopped_at);
  REQUIRE(decoded->change.containers.size() == 1);
  CHECK(decoded->change.containers[0].exit_code == std::optional<int>(137));
  CHECK(decoded->change.containers[0].runtime_id == c.runtime_id);

  auto container = model::decode_submit_container_state_change(model::encode_container_state_change({"edge", "t1", c}));
  REQUIRE_OK(container);
  CHECK(container->change.container_name == "webapp");
  CHECK(container->change.status == TaskStatus::stopped);
}

TEST_CASE("sigv4 signer: a request it signs passes the server's verification, and a changed body does not",
          "[api][auth][joined]") {
  const api::auth::SigningCredentials key{"AKIAJOINED", "secret-key", "local"};
  const std::string body = R"({"containerInstance":"x"})";
  const auto headers = api::auth::sign_request("POST", "10.0.0.1:51678", "/",
                                               {{"Content-Type", "application/x-amz-json-1.1"},
                                                {"X-Amz-Target", "BerthCluster.PollInstanceTasks"}},
                                               body, key, "berth", 1'700'000'000);
  std::vector<api::auth::HeaderField> fields{{"Host", "10.0.0.1:51678"}};
  for (const auto& [name, value] : headers) fields.emplace_back(name, value);
  const api::auth::SigningScope scope{"local", {"ecs", "berth"}};
  const auto secrets = [](std::string_view id) -> std::optional<std::string> {
    return id == "AKIAJOINED" ? std::optional<std::string>("secret-key") : std::nullopt;
  };
  auto verified = api::auth::verify_sigv4({"POST", "/", "", fields, body}, 1'700'000'000'000, scope, secrets);
  REQUIRE(verified.has_value());
  CHECK(verified->access_key_id == "AKIAJOINED");
  CHECK(verified->service == "berth");
  CHECK_FALSE(api::auth::verify_sigv4({"POST", "/", "", fields, body + " "}, 1'700'000'000'000, scope, secrets).has_value());
}

TEST_CASE("remote agent codecs: the join request carries the node's zone, type, custom attributes and resources as the "
          "server decodes them",
          "[model][joined]") {
  model::NodeRegistration node;
  node.cpu_units = 4096;
  node.memory_mib = 1000;
  node.reserved_ports = {22};
  node.attributes = {{"ecs.availability-zone", "line-3"}, {"ecs.instance-type", "rpi4"}, {"ecs.capability.external", ""}};
  node.initial_attributes = {{"site", "plant-7"}, {"ecs.availability-zone", "overridden"}};
  auto decoded = model::decode_join_cluster(model::encode_join_request("bjt-x", node));
  REQUIRE_OK(decoded);
  CHECK(decoded->token == "bjt-x");
  std::map<std::string, std::optional<std::string>> attributes;
  for (const auto& a : decoded->registration.attributes) attributes[a.name] = a.value;
  CHECK(attributes.at("ecs.availability-zone") == std::optional<std::string>("line-3"));  // built-in wins
  CHECK(attributes.at("ecs.instance-type") == std::optional<std::string>("rpi4"));
  CHECK(attributes.at("site") == std::optional<std::string>("plant-7"));
  CHECK_FALSE(attributes.at("ecs.capability.external").has_value());
  bool cpu = false;
  for (const auto& r : decoded->registration.total_resources) {
    if (r["name"] == "CPU") cpu = r["integerValue"] == 4096;
  }
  CHECK(cpu);
}

}  // namespace remote_agent_codecs_test
