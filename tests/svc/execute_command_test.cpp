// ExecuteCommand and exec sessions through svc, with a fake runner in place of the runtime.
#include "svc/execute_command.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"

namespace execute_command_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// Records what it was asked to run and answers with a fixed result.
struct FakeCommands : svc::ContainerCommands {
  std::string runtime_id;
  std::vector<std::string> argv;
  bool session_tty = false;
  Result<svc::CommandResult> run(const std::string& id, const std::vector<std::string>& words) override {
    runtime_id = id;
    argv = words;
    return svc::CommandResult{3, "hi\n", false, false};
  }
  Result<svc::SessionHandoff> open_session(const std::string& id, const model::ExecSessionRequest& request) override {
    runtime_id = id;
    argv = request.argv;
    session_tty = request.tty;
    return svc::SessionHandoff([](int, std::string) {});
  }
  std::optional<svc::CommandResult> replayed;
  svc::SessionHandoff replay(svc::CommandResult result) override {
    replayed = result;
    return svc::SessionHandoff([](int, std::string) {});
  }
  svc::SessionHandoff refuse(std::string) override { return svc::SessionHandoff([](int, std::string) {}); }
};

struct ExecFixture : ServiceFixture {
  FakeCommands commands;
  std::string instance_id;

  ExecFixture() {
    ctx->commands = &commands;
    auto registered = ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})"));
    REQUIRE_OK(registered);
    const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
    instance_id = arn.substr(arn.rfind('/') + 1);
  }

  // Writes a task "<id>" with containers `names` (the first essential unless `all_essential`).
  void add_task(const std::string& id, std::vector<std::string> names, bool enabled,
                model::TaskStatus status = model::TaskStatus::running, bool all_essential = false) {
    model::Task t = berth::testing::task_record(id, "default", "job", 1, instance_id, status, model::TaskStatus::running);
    t.enable_execute_command = enabled;
    t.created_at = clock.now_ms();
    for (std::size_t i = 0; i < names.size(); ++i) {
      model::TaskContainer c;
      c.name = names[i];
      c.id = "c" + std::to_string(i);
      c.essential = all_essential || i == 0;
      c.last_status = status;
      t.containers.push_back(c);
    }
    auto inserted = store->insert_tasks({t}, {});
    REQUIRE_OK(inserted);
    REQUIRE(*inserted);
  }
};

const std::string k_task = "a1000000000000000000000000000000";

}  // namespace

TEST_CASE_METHOD(ExecFixture, "ExecuteCommand runs the command in the task's container and returns its result", "[svc][exec]") {
  add_task(k_task, {"main"}, true);
  auto reply = ecs_call(*ctx, "ExecuteCommand",
                        Json{{"task", k_task}, {"command", "sh -c 'echo hi; exit 3'"}, {"interactive", false}});
  REQUIRE_OK(reply);
  CHECK(commands.runtime_id == k_task + "-main");
  CHECK(commands.argv == std::vector<std::string>{"sh", "-c", "echo hi; exit 3"});
  CHECK((*reply)["containerName"] == "main");
  CHECK((*reply)["taskArn"] == "arn:aws:ecs:local:000000000000:task/default/" + k_task);
  CHECK((*reply)["containerArn"] == "arn:aws:ecs:local:000000000000:container/default/" + k_task + "/c0");
  CHECK((*reply)["interactive"] == false);
  CHECK((*reply)["berthCommandResult"] == Json{{"exitCode", 3}, {"output", "hi\n"}, {"outputTruncated", false}, {"timedOut", false}});
  CHECK((*reply)["session"]["sessionId"].get<std::string>().starts_with("ecs-execute-command-"));
}

TEST_CASE_METHOD(ExecFixture, "ExecuteCommand refuses a task run without enableExecuteCommand, as ECS does", "[svc][exec]") {
  add_task(k_task, {"main"}, false);
  check_error(ecs_call(*ctx, "ExecuteCommand", Json{{"task", k_task}, {"command", "ls"}, {"interactive", false}}),
              Code::invalid_parameter,
              "The execute command failed because execute command was not enabled when the task was run or the execute "
              "command agent isn't running. Wait and try again or run a new task with execute command enabled and try again.");
  CHECK(commands.argv.empty());
  // A berth exec session is the gateway operator's, as docker exec on an ECS instance.
  model::ExecSessionRequest session{std::nullopt, k_task, std::nullopt, {"sh"}, true, true};
  REQUIRE_OK(svc::open_exec_session(*ctx, session));
  CHECK(commands.runtime_id == k_task + "-main");
  CHECK(commands.session_tty);
}

TEST_CASE_METHOD(ExecFixture, "ExecuteCommand refuses missing, stopped and ambiguous targets", "[svc][exec]") {
  const auto call = [&](const Json& members) {
    Json body{{"command", "ls"}, {"interactive", false}};
    body.update(members);
    return ecs_call(*ctx, "ExecuteCommand", body);
  };
  check_error(call({{"task", k_task}}), Code::invalid_parameter, "The referenced task was not found.");
  check_error(call({{"task", k_task}, {"cluster", "nope"}}), Code::cluster_not_found, "Cluster not found.");
  add_task(k_task, {"main"}, true, model::TaskStatus::stopped);
  check_error(call({{"task", k_task}}), Code::invalid_parameter, "The task is STOPPED; commands run only in a RUNNING task.");
  const std::string two = "a2000000000000000000000000000000";
  add_task(two, {"app", "sidecar"}, true, model::TaskStatus::running, true);
  check_error(call({{"task", two}}), Code::invalid_parameter,
              "The task has 2 containers (app, sidecar): name the one to run the command in with container.");
  REQUIRE_OK(call({{"task", two}, {"container", "sidecar"}}));
  CHECK(commands.runtime_id == two + "-sidecar");
  check_error(call({{"task", two}, {"container", "db"}}), Code::invalid_parameter,
              "The task has no container named db (it has app, sidecar).");
  check_error(call({{"task", "arn:aws:ecs:local:000000000000:service/default/web"}}), Code::invalid_parameter,
              "'arn:aws:ecs:local:000000000000:service/default/web' is not a task ARN of cluster default.");
  ctx->commands = nullptr;
  check_error(call({{"task", two}, {"container", "app"}}), Code::server,
              "This berth runs no agent, so no containers to run commands in.");
}

TEST_CASE_METHOD(ExecFixture, "RunTask and services give their tasks enableExecuteCommand", "[svc][exec]") {
  REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  auto enabled = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}, {"enableExecuteCommand", true}});
  REQUIRE_OK(enabled);
  CHECK((*enabled)["tasks"][0]["enableExecuteCommand"] == true);
  auto plain = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}});
  REQUIRE_OK(plain);
  CHECK((*plain)["tasks"][0]["enableExecuteCommand"] == false);
  auto service = ecs_call(*ctx, "CreateService", Json{{"serviceName", "web"}, {"taskDefinition", "job"},
                                                      {"desiredCount", 0}, {"enableExecuteCommand", true}});
  REQUIRE_OK(service);
  CHECK((*service)["service"]["enableExecuteCommand"] == true);
  auto updated = ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"enableExecuteCommand", false}});
  REQUIRE_OK(updated);
  CHECK((*updated)["service"]["enableExecuteCommand"] == false);
}

}  // namespace execute_command_test
