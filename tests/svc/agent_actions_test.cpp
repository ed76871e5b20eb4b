// The agent-facing actions through the action table: DiscoverPollEndpoint, the Submit* state
// changes recorded on a task a service placed, and RegisterContainerInstance with an instance
// identity document.
#include "svc/agent_actions.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/service_scheduler.hpp"

namespace agent_actions_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// The default cluster with one registered instance and one task of a two-container definition,
// started by StartTask on it.
struct AgentFixture : ServiceFixture {
  std::string instance_arn;
  std::string task_arn;

  AgentFixture() {
    auto registered = ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})"));
    REQUIRE_OK(registered);
    instance_arn = (*registered)["containerInstance"]["containerInstanceArn"];
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
        "containerDefinitions":[{"name":"main","image":"busybox","memory":16},
                                {"name":"log","image":"busybox","memory":16,"essential":false}]})")));
    auto started = ecs_call(*ctx, "StartTask", Json{{"taskDefinition", "job"}, {"containerInstances", {instance_arn}}});
    REQUIRE_OK(started);
    REQUIRE((*started)["tasks"].size() == 1);
    task_arn = (*started)["tasks"][0]["taskArn"];
  }

  Json described() {
    auto reply = ecs_call(*ctx, "DescribeTasks", Json{{"tasks", {task_arn}}});
    REQUIRE_OK(reply);
    REQUIRE((*reply)["tasks"].size() == 1);
    return (*reply)["tasks"][0];
  }
};

}  // namespace

TEST_CASE("DiscoverPollEndpoint: berth's own API endpoint, for instances of the cluster", "[svc][agent]") {
  AgentFixture f;
  const auto unset = ecs_call(*f.ctx, "DiscoverPollEndpoint", Json{{"containerInstance", f.instance_arn}});
  REQUIRE_FALSE(unset.has_value());
  CHECK(unset.error().code == Code::server);  // no TCP listener to tell an agent about

  f.ctx->gateway->set_api_url("http://10.0.0.5:51678");
  auto reply = ecs_call(*f.ctx, "DiscoverPollEndpoint", Json{{"cluster", "default"}, {"containerInstance", f.instance_arn}});
  REQUIRE_OK(reply);
  CHECK((*reply)["endpoint"] == "http://10.0.0.5:51678");
  CHECK((*reply)["telemetryEndpoint"] == "http://10.0.0.5:51678");
  REQUIRE_OK(ecs_call(*f.ctx, "DiscoverPollEndpoint", Json::object()));  // before registering: the cluster only

  const auto stranger = ecs_call(*f.ctx, "DiscoverPollEndpoint", Json{{"containerInstance", "0123456789abcdef0123456789abcdef"}});
  REQUIRE_FALSE(stranger.has_value());
  CHECK(stranger.error().code == Code::invalid_parameter);
  const auto no_cluster = ecs_call(*f.ctx, "DiscoverPollEndpoint", Json{{"cluster", "nowhere"}});
  REQUIRE_FALSE(no_cluster.has_value());
  CHECK(no_cluster.error().code == Code::cluster_not_found);
}

TEST_CASE("SubmitTaskStateChange and SubmitContainerStateChange record what the agent saw", "[svc][agent]") {
  AgentFixture f;
  Json report = Json::parse(R"({"containerName":"main","status":"RUNNING","runtimeId":"r-1",
                                 "networkBindings":[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]})");
  report["task"] = f.task_arn;
  auto ack = ecs_call(*f.ctx, "SubmitContainerStateChange", report);
  REQUIRE_OK(ack);
  CHECK(*ack == Json{{"acknowledgment", "ACK"}});
  Json task = f.described();
  CHECK(task["lastStatus"] == "PENDING");
  CHECK(task["containers"][0]["lastStatus"] == "RUNNING");
  CHECK(task["containers"][0]["runtimeId"] == "r-1");
  CHECK(task["containers"][0]["networkBindings"][0]["hostPort"] == 8080);

  REQUIRE_OK(ecs_call(*f.ctx, "SubmitTaskStateChange", Json{{"task", f.task_arn}, {"status", "RUNNING"}, {"pullStartedAt", 1000}}));
  task = f.described();
  CHECK(task["lastStatus"] == "RUNNING");
  CHECK(task["desiredStatus"] == "RUNNING");

  const std::string id = f.task_arn.substr(f.task_arn.rfind('/') + 1);
  REQUIRE_OK(ecs_call(*f.ctx, "SubmitTaskStateChange",
                      Json{{"cluster", "default"}, {"task", id}, {"status", "STOPPED"}, {"reason", "Essential container in task exited"},
                           {"containers", {{{"containerName", "main"}, {"status", "STOPPED"}, {"exitCode", 1}}}}}));
  task = f.described();
  CHECK(task["lastStatus"] == "STOPPED");
  CHECK(task["desiredStatus"] == "STOPPED");
  CHECK(task["stopCode"] == "EssentialContainerExited");
  CHECK(task["stoppedReason"] == "Essential container in task exited");
  CHECK(task["containers"][0]["exitCode"] == 1);
  // Final: a late RUNNING report is acknowledged and changes nothing.
  REQUIRE_OK(ecs_call(*f.ctx, "SubmitTaskStateChange", Json{{"task", f.task_arn}, {"status", "RUNNING"}}));
  CHECK(f.described()["lastStatus"] == "STOPPED");
}

TEST_CASE("Submit*StateChange: unknown clusters, tasks and containers are refused", "[svc][agent]") {
  AgentFixture f;
  const auto cluster = ecs_call(*f.ctx, "SubmitTaskStateChange", Json{{"cluster", "nowhere"}, {"task", f.task_arn}, {"status", "RUNNING"}});
  REQUIRE_FALSE(cluster.has_value());
  CHECK(cluster.error().code == Code::cluster_not_found);
  for (const std::string task : {"0123456789abcdef0123456789abcdef", "arn:aws:ecs:local:000000000000:service/default/web"}) {
    const auto missing = ecs_call(*f.ctx, "SubmitTaskStateChange", Json{{"task", task}, {"status", "RUNNING"}});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == Code::invalid_parameter);
    CHECK(missing.error().message == "The referenced task was not found.");
  }
  const auto container = ecs_call(*f.ctx, "SubmitContainerStateChange",
                                  Json{{"task", f.task_arn}, {"containerName", "db"}, {"status", "RUNNING"}});
  REQUIRE_FALSE(container.has_value());
  CHECK(container.error().code == Code::invalid_parameter);
  CHECK(f.described()["containers"][0]["lastStatus"] == "PENDING");
}

TEST_CASE("Submit*StateChange: tasks on the gateway's own instance are berth's own agent's", "[svc][agent]") {
  AgentFixture f;
  f.ctx->gateway->set_instance_id(f.instance_arn.substr(f.instance_arn.rfind('/') + 1));
  const Json task_report{{"task", f.task_arn}, {"status", "STOPPED"}};
  const Json container_report{{"task", f.task_arn}, {"containerName", "main"}, {"status", "STOPPED"}};
  for (const auto& [action, body] : {std::pair{"SubmitTaskStateChange", task_report},
                                     std::pair{"SubmitContainerStateChange", container_report}}) {
    INFO(action);
    const auto refused = ecs_call(*f.ctx, action, body);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::invalid_parameter);
    CHECK(refused.error().message.find("whose agent is berth itself") != std::string::npos);
  }
  CHECK(f.described()["lastStatus"] == "PENDING");
}

TEST_CASE("SubmitAttachmentStateChanges: a gateway has no attachments", "[svc][agent]") {
  AgentFixture f;
  const Json body{{"attachments", {{{"attachmentArn", "arn:aws:ecs:local:000000000000:attachment/a1"}, {"status", "ATTACHED"}}}}};
  const auto refused = ecs_call(*f.ctx, "SubmitAttachmentStateChanges", body);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::invalid_parameter);
  CHECK(refused.error().message.find("attachment/a1 was not found in cluster default") != std::string::npos);
  Json elsewhere = body;
  elsewhere["cluster"] = "nowhere";
  const auto no_cluster = ecs_call(*f.ctx, "SubmitAttachmentStateChanges", elsewhere);
  REQUIRE_FALSE(no_cluster.has_value());
  CHECK(no_cluster.error().code == Code::cluster_not_found);
}

TEST_CASE("RegisterContainerInstance reads the instance identity document", "[svc][agent]") {
  ServiceFixture f;
  const std::string document =
      R"({"instanceId":"i-0abc1234def567890","instanceType":"t4g.small","availabilityZone":"eu-west-1a",)"
      R"("imageId":"ami-0123456789abcdef0","architecture":"arm64","region":"eu-west-1"})";
  auto registered = ecs_call(*f.ctx, "RegisterContainerInstance",
                             Json{{"instanceIdentityDocument", document},
                                  {"attributes", {{{"name", "ecs.instance-type"}, {"value", "forged"}},
                                                  {{"name", "ecs.os-type"}, {"value", "linux"}}}}});
  REQUIRE_OK(registered);
  const Json& instance = (*registered)["containerInstance"];
  CHECK(instance["ec2InstanceId"] == "i-0abc1234def567890");
  std::map<std::string, std::string> attributes;
  for (const auto& a : instance["attributes"]) attributes[a["name"]] = a.value("value", "");
  CHECK(attributes["ecs.instance-type"] == "t4g.small");  // ECS's, over what the agent sent
  CHECK(attributes["ecs.availability-zone"] == "eu-west-1a");
  CHECK(attributes["ecs.ami-id"] == "ami-0123456789abcdef0");
  CHECK(attributes["ecs.cpu-architecture"] == "arm64");
  CHECK(attributes["ecs.os-type"] == "linux");

  // Re-registered without a document, it keeps its EC2 id.
  auto again = ecs_call(*f.ctx, "RegisterContainerInstance", Json{{"containerInstanceArn", instance["containerInstanceArn"]}});
  REQUIRE_OK(again);
  CHECK((*again)["containerInstance"]["ec2InstanceId"] == "i-0abc1234def567890");

  const auto bad = ecs_call(*f.ctx, "RegisterContainerInstance", Json{{"instanceIdentityDocument", "{\"instanceId\":\"bogus\"}"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Code::invalid_parameter);
}

}  // namespace agent_actions_test
