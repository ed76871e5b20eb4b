// What an agent's reports do to a task record, and the decoders of the agent-facing actions.
#include "model/agent_state_changes.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace agent_state_changes_test {

using namespace berth;
using berth::testing::check_error;
using model::Json;
using model::TaskStatus;

namespace {

model::Task pending_task() {
  model::Task task;
  task.id = "0123456789abcdef0123456789abcdef";
  task.cluster = "default";
  model::TaskContainer web;
  web.name = "web";
  model::TaskContainer sidecar;
  sidecar.name = "sidecar";
  task.containers = {web, sidecar};
  return task;
}

model::ContainerStateChange container(const std::string& name, TaskStatus status) {
  model::ContainerStateChange change;
  change.container_name = name;
  change.status = status;
  return change;
}

}  // namespace

TEST_CASE("Agent reports: a task moves forward, never back", "[model][agent]") {
  auto task = pending_task();
  model::TaskStateChange running{TaskStatus::running, std::nullopt, {container("web", TaskStatus::running)}, 1000, 2000, {}};
  REQUIRE(model::apply_task_state_change(task, running, 5000) == true);
  CHECK(task.last_status == TaskStatus::running);
  CHECK(task.started_at == 5000);
  CHECK(task.pull_started_at == 1000);
  CHECK(task.pull_stopped_at == 2000);
  CHECK(task.containers[0].last_status == TaskStatus::running);
  CHECK(task.containers[0].started_at == 5000);
  CHECK(task.containers[1].last_status == TaskStatus::pending);
  // The same report again changes nothing; an older one neither.
  CHECK(model::apply_task_state_change(task, running, 6000) == false);
  model::TaskStateChange pending{TaskStatus::pending, std::nullopt, {container("web", TaskStatus::pending)}, {}, {}, {}};
  CHECK(model::apply_task_state_change(task, pending, 7000) == false);
  CHECK(task.last_status == TaskStatus::running);
  CHECK(task.started_at == 5000);
}

TEST_CASE("Agent reports: a task stopped by itself is stopped for good, with ECS's stop code", "[model][agent]") {
  auto ran = pending_task();
  REQUIRE(model::apply_task_state_change(ran, {TaskStatus::running, {}, {}, {}, {}, {}}, 1000) == true);
  auto exited = container("web", TaskStatus::stopped);
  exited.exit_code = 3;
  exited.reason = "exited";
  REQUIRE(model::apply_task_state_change(ran, {TaskStatus::stopped, "Essential container in task exited", {exited}, {}, {}, 1500}, 2000) ==
          true);
  CHECK(ran.last_status == TaskStatus::stopped);
  CHECK(ran.desired_status == TaskStatus::stopped);
  CHECK(ran.stop_code == "EssentialContainerExited");
  CHECK(ran.stopped_reason == "Essential container in task exited");
  CHECK(ran.execution_stopped_at == 1500);
  CHECK(ran.stopped_at == 2000);
  CHECK(ran.containers[0].exit_code == 3);
  CHECK(ran.containers[0].reason == "exited");
  CHECK(ran.containers[0].finished_at == 2000);
  // STOPPED is final: a later report changes nothing.
  CHECK(model::apply_task_state_change(ran, {TaskStatus::running, {}, {container("sidecar", TaskStatus::running)}, {}, {}, {}}, 3000) ==
        false);
  CHECK(ran.containers[1].last_status == TaskStatus::pending);
  // A container it does not have is still an error.
  CHECK_FALSE(model::apply_task_state_change(ran, {{}, {}, {container("db", TaskStatus::stopped)}, {}, {}, {}}, 3000).has_value());

  auto never_ran = pending_task();
  REQUIRE(model::apply_task_state_change(never_ran, {TaskStatus::stopped, "CannotPullContainerError", {}, {}, {}, {}}, 1000) == true);
  CHECK(never_ran.stop_code == "TaskFailedToStart");
  CHECK(never_ran.execution_stopped_at == 1000);

  // A stop someone asked for keeps its code and reason.
  auto asked = pending_task();
  asked.desired_status = TaskStatus::stopped;
  asked.stop_code = "UserInitiated";
  asked.stopped_reason = "Task stopped by user";
  REQUIRE(model::apply_task_state_change(asked, {TaskStatus::stopped, "agent says", {}, {}, {}, {}}, 1000) == true);
  CHECK(asked.stop_code == "UserInitiated");
  CHECK(asked.stopped_reason == "Task stopped by user");
}

TEST_CASE("Agent reports: a container the task does not have changes nothing", "[model][agent]") {
  auto task = pending_task();
  const auto before = model::task_to_record(task);
  check_error(model::apply_task_state_change(task, {TaskStatus::running, {}, {container("web", TaskStatus::running),
                                                                                container("db", TaskStatus::running)}, {}, {}, {}},
                                             1000),
              Code::invalid_parameter, "Task 0123456789abcdef0123456789abcdef has no container named 'db'.");
  CHECK(model::task_to_record(task) == before);

  auto change = container("sidecar", TaskStatus::running);
  change.runtime_id = "abc";
  change.image_digest = "sha256:00";
  change.network_bindings = Json::array({{{"containerPort", 80}, {"hostPort", 8080}, {"protocol", "tcp"}}});
  REQUIRE(model::apply_container_state_change(task, change, 1000) == true);
  CHECK(task.containers[1].runtime_id == "abc");
  CHECK(task.containers[1].image_digest == "sha256:00");
  CHECK(task.containers[1].network_bindings[0]["hostPort"] == 8080);
  CHECK(task.last_status == TaskStatus::pending);  // a container report moves no task status
}

TEST_CASE("Agent requests: decoded with ECS's errors", "[model][agent]") {
  const auto task = model::decode_submit_task_state_change(Json::parse(R"({"cluster":"c","task":"t","status":"RUNNING",
      "pullStartedAt":1700000000.5,"containers":[{"containerName":"web","status":"RUNNING","exitCode":0}]})"));
  REQUIRE(task.has_value());
  CHECK(task->change.status == TaskStatus::running);
  CHECK(task->change.pull_started_at == 1700000000500);
  REQUIRE(task->change.containers.size() == 1);
  CHECK(task->change.containers[0].exit_code == 0);

  check_error(model::decode_submit_task_state_change(Json{{"status", "RUNNING"}}), Code::invalid_parameter,
              "The state change must name its task.");
  check_error(model::decode_submit_task_state_change(Json{{"task", "t"}, {"status", "RUNNIN"}}), Code::invalid_parameter,
              "Invalid task status 'RUNNIN'.");
  check_error(model::decode_submit_task_state_change(Json{{"task", "t"}, {"pullStartedAt", -1}}), Code::invalid_parameter,
              "pullStartedAt must be a time in epoch seconds.");
  check_error(model::decode_submit_task_state_change(Json{{"task", "t"}, {"containers", {{{"status", "RUNNING"}}}}}),
              Code::invalid_parameter, "A container state change needs containerName.");
  check_error(model::decode_submit_container_state_change(Json{{"task", "t"}, {"containerName", "web"}, {"status", "ACTIVATING"}}),
              Code::invalid_parameter, "Invalid container status 'ACTIVATING': use PENDING, RUNNING or STOPPED.");
  const auto c = model::decode_submit_container_state_change(Json{{"task", "t"}, {"containerName", "web"}, {"exitCode", 137}});
  REQUIRE(c.has_value());
  CHECK(c->change.exit_code == 137);
  CHECK_FALSE(c->change.status.has_value());

  check_error(model::decode_submit_attachment_state_changes(Json{{"attachments", Json::array()}}), Code::invalid_parameter,
              "attachments must name at least one attachment.");
  check_error(model::decode_submit_attachment_state_changes(
                  Json{{"attachments", {{{"attachmentArn", "arn:aws:ecs:local:0:attachment/x"}, {"status", "GLUED"}}}}}),
              Code::invalid_parameter, "Invalid attachment status 'GLUED'.");
  CHECK(model::encode_acknowledgment({}) == Json{{"acknowledgment", "ACK"}});
  CHECK(model::encode_poll_endpoint({"http://10.0.0.5:51678"}) ==
        Json{{"endpoint", "http://10.0.0.5:51678"}, {"telemetryEndpoint", "http://10.0.0.5:51678"}});
}

}  // namespace agent_state_changes_test
