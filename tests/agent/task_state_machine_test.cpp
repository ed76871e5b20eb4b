#include <catch2/catch.hpp>
#include <signal.h>

#include "agent/container_spec_builder.hpp"
#include "agent/state_reporter.hpp"
#include "agent/task_state_machine.hpp"
#include "fixtures/fixtures.hpp"

namespace task_state_machine_test {

using namespace berth;
using namespace berth::agent;
using berth::testing::FakeClock;
using model::Json;

namespace {

const std::string k_task = "0123456789abcdef0123456789abcdef";

// A task of `td`'s containers, all PENDING, created at `now`.
model::Task task_of(const Json& td, EpochMs now) {
  model::Task task;
  task.id = k_task;
  task.created_at = now;
  for (const auto& def : td["containerDefinitions"]) {
    model::TaskContainer c;
    c.name = def["name"];
    c.image = def["image"];
    c.essential = def.value("essential", true);
    task.containers.push_back(c);
  }
  return task;
}

Json definition(Json containers, const std::string& network_mode = "host") {
  for (auto& c : containers) {
    if (!c.contains("image")) c["image"] = "busybox";
  }
  return {{"family", "app"}, {"networkMode", network_mode}, {"containerDefinitions", containers}};
}

// The actions one pass of starting takes, each answered as a driver whose images are cached,
// whose task setup and container starts succeed would: the containers started, in order.
std::vector<std::string> start_pass(model::Task& task, const Json& td, EpochMs now, const Observations& observed = {}) {
  std::vector<std::string> started;
  StartProgress progress;
  for (int n = 0; n < 100; ++n) {
    const auto action = next_start_action(task, td, observed, progress, {}, std::nullopt, now);
    if (!action) return started;
    switch (action->kind) {
      case ActionKind::check_secrets:
        progress.secrets_checked = true;
        break;
      case ActionKind::get_image:
        on_image(task, action->container, {ImageOutcome::Kind::cached, "sha256:img", {}}, progress, now);
        break;
      case ActionKind::prepare_task:
        on_prepared(task, runtime::PreparedTask{}, action->setup.bridge, progress, now);
        break;
      case ActionKind::start_container:
        on_started(task, action->container, td, now);
        started.push_back(action->container);
        break;
      default:
        FAIL("a stop action while starting");
    }
  }
  FAIL("the state machine did not settle");
  return started;
}

// The runtime reports container `name` exited with `code` at `now`, the others running; returns
// what observe() made of it.
ObserveOutcome exits(model::Task& task, const Json& td, const std::string& name, int code, EpochMs now,
                     std::optional<int> restart_period_override_s = std::nullopt) {
  Observations observed;
  observed[name].status.state = runtime::ContainerStatus::State::exited;
  observed[name].status.exit_code = code;
  observed[name].status.finished_at = now;
  for (const auto& c : task.containers) {
    if (c.name != name) observed[c.name].status.state = runtime::ContainerStatus::State::running;
  }
  return observe(task, td, observed, restart_period_override_s, now);
}

}  // namespace

TEST_CASE("task state machine: dependsOn START starts the dependent once its dependency started",
          "[agent][state-machine]") {
  FakeClock clock;
  // The dependent is listed first: it waits for a pass after its dependency starts.
  const Json td = definition(Json::parse(R"([
    {"name":"app","dependsOn":[{"containerName":"db","condition":"START"}]},
    {"name":"db"}])"));
  auto task = task_of(td, clock.now_ms());
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"db"});
  CHECK(task.container("app")->last_status == model::TaskStatus::pending);
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"app"});
  settle_running(task, clock.now_ms());
  CHECK(task.last_status == model::TaskStatus::running);
}

TEST_CASE("task state machine: a dependent listed after its dependency starts in the same pass",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([
    {"name":"db"},
    {"name":"app","dependsOn":[{"containerName":"db","condition":"START"}]}])"));
  auto task = task_of(td, clock.now_ms());
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"db", "app"});
}

TEST_CASE("task state machine: COMPLETE and SUCCESS wait for the dependency to exit", "[agent][state-machine]") {
  FakeClock clock;
  const auto condition = GENERATE(std::string("COMPLETE"), std::string("SUCCESS"));
  const Json td = definition(Json::array(
      {{{"name", "init"}, {"essential", false}},
       {{"name", "app"}, {"dependsOn", Json::array({{{"containerName", "init"}, {"condition", condition}}})}}}));
  auto task = task_of(td, clock.now_ms());
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"init"});
  CHECK(start_pass(task, td, clock.now_ms()).empty());  // init still runs
  exits(task, td, "init", 0, clock.now_ms());
  CHECK(task.desired_status == model::TaskStatus::running);  // not essential
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"app"});
}

TEST_CASE("task state machine: SUCCESS after a failed exit stops the task with a DependencyError",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([
    {"name":"init","essential":false},
    {"name":"app","dependsOn":[{"containerName":"init","condition":"SUCCESS"}]}])"));
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  exits(task, td, "init", 3, clock.now_ms());
  CHECK(start_pass(task, td, clock.now_ms()).empty());
  CHECK(task.container("app")->last_status == model::TaskStatus::stopped);
  CHECK(task.container("app")->reason == "DependencyError: init did not reach SUCCESS");
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "TaskFailedToStart");
  CHECK(task.stopped_reason == "Container app dependency init did not reach SUCCESS");
}

TEST_CASE("task state machine: HEALTHY waits for the dependency's health", "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([
    {"name":"db","healthCheck":{"command":["CMD","true"]}},
    {"name":"app","dependsOn":[{"containerName":"db","condition":"HEALTHY"}]}])"));
  auto task = task_of(td, clock.now_ms());
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"db"});
  CHECK(task.container("db")->health_status == "UNKNOWN");
  CHECK(start_pass(task, td, clock.now_ms()).empty());
  on_health(task, "db", "HEALTHY");
  CHECK(start_pass(task, td, clock.now_ms()) == std::vector<std::string>{"app"});
}

TEST_CASE("task state machine: dependencies not met within startTimeout stop the task", "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([
    {"name":"db","essential":false,"healthCheck":{"command":["CMD","true"]}},
    {"name":"app","startTimeout":5,"dependsOn":[{"containerName":"db","condition":"HEALTHY"}]}])"));
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  clock.advance_ms(5000);  // not past the timeout yet
  start_pass(task, td, clock.now_ms());
  CHECK(task.desired_status == model::TaskStatus::running);
  clock.advance_ms(1);
  start_pass(task, td, clock.now_ms());
  CHECK(task.container("app")->last_status == model::TaskStatus::stopped);
  CHECK(task.container("app")->reason == "DependencyTimeoutError: dependencies not met within 5s");
  CHECK(task.stopped_reason == "Container app dependencies were not met in time");
  CHECK(task.stop_code == "TaskFailedToStart");
}

TEST_CASE("task state machine: an essential container's exit stops the task, a non-essential one's does not",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([{"name":"side","essential":false},{"name":"main"}])"));
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  exits(task, td, "side", 1, clock.now_ms());
  CHECK(task.desired_status == model::TaskStatus::running);
  CHECK(task.container("side")->exit_code == 1);
  exits(task, td, "main", 0, clock.now_ms());
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "EssentialContainerExited");
  CHECK(task.stopped_reason == "Essential container in task exited");
}

TEST_CASE("task state machine: a monitor that vanished stops its container with the reason it is unknown",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([{"name":"main"}])"));
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  const auto seen = observe(task, td, {}, std::nullopt, clock.now_ms());  // the runtime knows it no more
  REQUIRE(seen.stopped.size() == 1);
  CHECK(seen.stopped[0].container == "main");
  CHECK(seen.restarts.empty());
  CHECK(task.container("main")->reason == "The container's monitor vanished (host restart?); its exit code is unknown");
  CHECK(task.desired_status == model::TaskStatus::stopped);
}

TEST_CASE("task state machine: a failed pull stops the container and the task with CannotPullContainerError",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([{"name":"main","image":"registry.example/app:1"}])"));
  auto task = task_of(td, clock.now_ms());
  StartProgress progress;
  progress.secrets_checked = true;
  auto action = next_start_action(task, td, {}, progress, {}, std::nullopt, clock.now_ms());
  REQUIRE(action.has_value());
  REQUIRE(action->kind == ActionKind::get_image);
  on_image(task, "main", {ImageOutcome::Kind::pull_started, {}, {}}, progress, clock.now_ms());
  CHECK(task.pull_started_at == clock.now_ms());
  CHECK_FALSE(next_start_action(task, td, {}, progress, {}, std::nullopt, clock.now_ms()).has_value());

  clock.advance_ms(1500);
  StartProgress next_pass;
  next_pass.secrets_checked = true;
  action = next_start_action(task, td, {}, next_pass, {}, std::nullopt, clock.now_ms());
  REQUIRE(action.has_value());
  on_image(task, "main", {ImageOutcome::Kind::failed, {}, "manifest unknown"}, next_pass, clock.now_ms());
  CHECK(task.pull_stopped_at == clock.now_ms());
  const auto* c = task.container("main");
  CHECK(c->last_status == model::TaskStatus::stopped);
  CHECK(c->reason == "CannotPullContainerError: registry.example/app:1: manifest unknown");
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "TaskFailedToStart");
  CHECK(task.stopped_reason == c->reason);
  CHECK_FALSE(next_start_action(task, td, {}, next_pass, {}, std::nullopt, clock.now_ms()).has_value());
}

TEST_CASE("task state machine: the first container prepares the task; a network failure stops it",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([{"name":"main"},{"name":"side"}])"), "bridge");
  auto task = task_of(td, clock.now_ms());
  task.containers[0].network_bindings = Json::parse(R"([{"hostPort":8080,"containerPort":80,"protocol":"tcp"}])");
  StartProgress progress;
  progress.secrets_checked = true;
  progress.image_ready = {"main", "side"};
  const auto action = next_start_action(task, td, {}, progress, {}, 64, clock.now_ms());
  REQUIRE(action.has_value());
  REQUIRE(action->kind == ActionKind::prepare_task);
  CHECK(action->setup.bridge);
  CHECK(action->setup.cgroup_path == "/berth/" + std::string(k_task));
  CHECK(action->setup.limits.pids == 64);
  REQUIRE(action->setup.ports.size() == 1);
  CHECK(action->setup.ports[0].host_port == 8080);
  CHECK(action->setup.pid_mode == runtime::NamespaceMode::private_);  // each container its own
  // Under another BERTH_CGROUP_PARENT (a second berth on the machine).
  TaskDefaults lab;
  lab.cgroup_parent = "/lab/gw1";
  CHECK(next_start_action(task, td, {}, progress, lab, 64, clock.now_ms())->setup.cgroup_path ==
        "/lab/gw1/" + std::string(k_task));

  Json shared = td;
  shared["pidMode"] = "task";
  shared["ipcMode"] = "task";
  shared["containerDefinitions"][1]["linuxParameters"] = {{"sharedMemorySize", 100}};
  const auto task_modes = next_start_action(task, shared, {}, progress, {}, 64, clock.now_ms());
  REQUIRE(task_modes.has_value());
  CHECK(task_modes->setup.pid_mode == runtime::NamespaceMode::task);
  CHECK(task_modes->setup.ipc_mode == runtime::NamespaceMode::task);
  CHECK(task_modes->setup.shm_bytes == 100LL << 20);
  on_prepared(task, fail(Code::server, "bridge network: plugin bridge failed"), true, progress, clock.now_ms());
  for (const auto& c : task.containers) {
    CHECK(c.last_status == model::TaskStatus::stopped);
    CHECK(c.reason == "CannotStartContainerError: bridge network: plugin bridge failed");
  }
  CHECK(task.stopped_reason == "CannotStartContainerError: bridge network: plugin bridge failed");
}

TEST_CASE("task state machine: a bridge task's dynamic ports are marked so, and bindings take the ports published",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([{"name":"main","portMappings":[{"containerPort":80},{"containerPort":443,"hostPort":8443},
                                                                           {"containerPort":53,"hostPort":0,"protocol":"udp"}]},
                                            {"name":"side","portMappings":[{"containerPort":9000}]}])"),
                             "bridge");
  auto task = task_of(td, clock.now_ms());
  task.containers[0].network_bindings = Json::parse(R"([{"bindIP":"0.0.0.0","hostPort":40001,"containerPort":80,"protocol":"tcp"},
                                                        {"bindIP":"0.0.0.0","hostPort":8443,"containerPort":443,"protocol":"tcp"},
                                                        {"bindIP":"0.0.0.0","hostPort":40002,"containerPort":53,"protocol":"udp"}])");
  task.containers[1].network_bindings = Json::parse(R"([{"bindIP":"0.0.0.0","hostPort":40003,"containerPort":9000,"protocol":"tcp"}])");
  StartProgress progress;
  progress.secrets_checked = true;
  progress.image_ready = {"main", "side"};
  const auto action = next_start_action(task, td, {}, progress, {}, std::nullopt, clock.now_ms());
  REQUIRE(action.has_value());
  REQUIRE(action->kind == ActionKind::prepare_task);
  const auto& ports = action->setup.ports;
  REQUIRE(ports.size() == 4);
  CHECK(ports[0].dynamic);
  CHECK_FALSE(ports[1].dynamic);  // the user asked for 8443: only that port will do
  CHECK(ports[2].dynamic);
  CHECK(ports[3].dynamic);
  CHECK(ports[3].host_port == 40003);

  // The bridge network held 40101 and 40103 in place of the placed ports taken meanwhile.
  auto published = ports;
  published[0].host_port = 40101;
  published[3].host_port = 40103;
  on_prepared(task, runtime::PreparedTask{"172.31.0.2", published}, true, progress, clock.now_ms());
  CHECK(progress.prepared);
  CHECK(task.containers[0].network_bindings[0]["hostPort"] == 40101);
  CHECK(task.containers[0].network_bindings[1]["hostPort"] == 8443);
  CHECK(task.containers[0].network_bindings[2]["hostPort"] == 40002);
  CHECK(task.containers[1].network_bindings[0]["hostPort"] == 40103);
  CHECK(task.containers[1].network_bindings[0]["bindIP"] == "0.0.0.0");
  // What the agent reports to the serving gateway carries the ports held.
  const auto change = state_change_of(task);
  CHECK(change.containers[1].network_bindings->at(0)["hostPort"] == 40103);

  // Bindings that do not match the definition's mappings one for one are none of them dynamic.
  task.containers[1].network_bindings.push_back({{"hostPort", 40004}, {"containerPort", 9001}, {"protocol", "tcp"}});
  StartProgress again;
  again.secrets_checked = true;
  again.image_ready = {"main", "side"};
  const auto odd = next_start_action(task, td, {}, again, {}, std::nullopt, clock.now_ms());
  REQUIRE(odd.has_value());
  REQUIRE(odd->setup.ports.size() == 5);
  CHECK(odd->setup.ports[0].dynamic);
  CHECK_FALSE(odd->setup.ports[3].dynamic);
  CHECK_FALSE(odd->setup.ports[4].dynamic);
}

TEST_CASE("task state machine: the task setup carries ephemeralStorage, a RunTask override first",
          "[agent][state-machine]") {
  FakeClock clock;
  Json td = definition(Json::parse(R"([{"name":"main"}])"));
  StartProgress progress;
  progress.secrets_checked = true;
  progress.image_ready = {"main"};
  const auto setup_of = [&](model::Task task) {
    const auto action = next_start_action(task, td, {}, progress, {}, 64, clock.now_ms());
    REQUIRE(action.has_value());
    REQUIRE(action->kind == ActionKind::prepare_task);
    return action->setup;
  };
  CHECK_FALSE(setup_of(task_of(td, clock.now_ms())).ephemeral_storage_gib.has_value());
  td["ephemeralStorage"] = {{"sizeInGiB", 30}};
  CHECK(setup_of(task_of(td, clock.now_ms())).ephemeral_storage_gib == 30);
  auto overridden = task_of(td, clock.now_ms());
  overridden.overrides = {{"ephemeralStorage", {{"sizeInGiB", 50}}}};
  CHECK(setup_of(overridden).ephemeral_storage_gib == 50);
}

TEST_CASE("task state machine: stopping sends SIGTERM, then SIGKILL once stopTimeout passed, dependents first",
          "[agent][state-machine]") {
  FakeClock clock;
  const Json td = definition(Json::parse(R"([
    {"name":"db","stopTimeout":10},
    {"name":"app","dependsOn":[{"containerName":"db","condition":"START"}]}])"));
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  request_stop(task, "UserInitiated", "stop", clock.now_ms());

  Observations observed;
  auto actions = stop_actions(task, td, observed, {.stop_timeout_s = 30}, clock.now_ms());
  CHECK(task.last_status == model::TaskStatus::stopping);
  REQUIRE(actions.size() == 1);  // db waits while app, which depends on it, runs
  CHECK(actions[0].container == "app");
  CHECK(actions[0].signal == SIGTERM);

  exits(task, td, "app", 143, clock.now_ms());
  actions = stop_actions(task, td, observed, {.stop_timeout_s = 30}, clock.now_ms());
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].container == "db");
  CHECK(actions[0].signal == SIGTERM);
  observed["db"].term_sent = clock.now_ms();

  clock.advance_ms(9999);
  CHECK(stop_actions(task, td, observed, {.stop_timeout_s = 30}, clock.now_ms()).empty());
  clock.advance_ms(1);
  actions = stop_actions(task, td, observed, {.stop_timeout_s = 30}, clock.now_ms());
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].signal == SIGKILL);

  exits(task, td, "db", 137, clock.now_ms());
  actions = stop_actions(task, td, observed, {}, clock.now_ms());
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].kind == ActionKind::cleanup);
  on_cleaned_up(task, clock.now_ms());
  CHECK(task.last_status == model::TaskStatus::stopped);
  CHECK_FALSE(needs_work(task));
}

TEST_CASE("task state machine: task limits are checked", "[agent][state-machine]") {
  model::Task task;
  Json td = {{"cpu", "512"}, {"memory", "64"}};
  auto limits = task_limits(task, td);
  REQUIRE(limits.has_value());
  CHECK(limits->cpu_quota_us == 50000);
  CHECK(limits->memory_bytes == 64LL << 20);
  td["memory"] = "lots";
  CHECK_FALSE(task_limits(task, td).has_value());
  task.overrides = {{"memory", "32"}};
  CHECK(task_limits(task, td).has_value());  // the override's wins
}

namespace {

// A definition of one essential container `main` with `restart_policy`, and `side` beside it.
Json restarting_definition(const std::string& restart_policy, bool side_essential = false) {
  return definition(Json::array({{{"name", "main"}, {"restartPolicy", Json::parse(restart_policy)}},
                                 {{"name", "side"}, {"essential", side_essential}}}));
}

// A task of `td` whose containers all started at the clock's time.
model::Task started_task(const Json& td, const FakeClock& clock) {
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  return task;
}

// `main` exits with `code` ten minutes on (past any period) and stays stopped; returns why its
// restart policy did not restart it.
std::string final_exit_reason(model::Task& task, const Json& td, int code, FakeClock& clock,
                              std::optional<int> restart_period_override_s = std::nullopt) {
  clock.advance_ms(600'000);
  const auto seen = exits(task, td, "main", code, clock.now_ms(), restart_period_override_s);
  CHECK(seen.restarts.empty());
  REQUIRE(seen.stopped.size() == 1);
  CHECK(task.container("main")->last_status == model::TaskStatus::stopped);
  CHECK(task.container("main")->exit_code == code);
  return seen.stopped[0].not_restarted;
}

}  // namespace

TEST_CASE("task state machine: an enabled restartPolicy restarts an essential container in place; the task goes on",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  const Json td = restarting_definition(R"({"enabled":true,"restartAttemptPeriod":60})");
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  settle_running(task, clock.now_ms());
  CHECK(task.container("main")->restart_policy_enabled);
  CHECK_FALSE(task.container("side")->restart_policy_enabled);

  clock.advance_ms(60'000);
  const EpochMs exited_at = clock.now_ms();
  const auto seen = exits(task, td, "main", 3, exited_at);
  CHECK(seen.stopped.empty());
  REQUIRE(seen.restarts.size() == 1);
  CHECK(seen.restarts[0].container == "main");
  CHECK(seen.restarts[0].exit_code == 3);
  CHECK(seen.restarts[0].finished_at == exited_at);
  CHECK(task.container("main")->last_status == model::TaskStatus::running);  // until the restart's outcome
  CHECK(task.desired_status == model::TaskStatus::running);

  clock.advance_ms(50);
  on_restarted(task, seen.restarts[0], clock.now_ms());
  const auto* c = task.container("main");
  CHECK(c->last_status == model::TaskStatus::running);
  CHECK(c->restarts == 1);
  CHECK(c->last_restarted_at == clock.now_ms());
  REQUIRE(c->restart_exits.size() == 1);
  CHECK(c->restart_exits[0].exit_code == 3);
  CHECK(c->restart_exits[0].finished_at == exited_at);
  CHECK_FALSE(c->exit_code.has_value());
  CHECK(task.desired_status == model::TaskStatus::running);
  CHECK_FALSE(needs_work(task));

  // The period now runs from the restart: an exit 59 s after it is final, and stops the task.
  clock.advance_ms(59'000);
  const auto final_exit = exits(task, td, "main", 3, clock.now_ms());
  CHECK(final_exit.restarts.empty());
  REQUIRE(final_exit.stopped.size() == 1);
  CHECK(final_exit.stopped[0].not_restarted == "it ran for less than its restartAttemptPeriod (60 s)");
  CHECK(task.container("main")->last_status == model::TaskStatus::stopped);
  CHECK(task.container("main")->exit_code == 3);
  CHECK(task.container("main")->restarts == 1);
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "EssentialContainerExited");
}

TEST_CASE("task state machine: a restart policy's ignored exit code stops the container, and an essential one the task",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  const Json td = restarting_definition(R"({"enabled":true,"ignoredExitCodes":[0,3],"restartAttemptPeriod":60})");
  auto task = started_task(td, clock);
  CHECK(final_exit_reason(task, td, 3, clock) == "exit code 3 is ignored by its restart policy");
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stopped_reason == "Essential container in task exited");
}

TEST_CASE("task state machine: without an enabled restart policy an exit is final and says nothing of restarts",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  const Json td = restarting_definition(R"({"enabled":false})");
  auto task = started_task(td, clock);
  CHECK(final_exit_reason(task, td, 1, clock, 0).empty());
  CHECK(task.desired_status == model::TaskStatus::stopped);
}

TEST_CASE("task state machine: a stopping task restarts none of its containers", "[agent][state-machine][restart]") {
  FakeClock clock;
  const Json td = restarting_definition(R"({"enabled":true})");
  auto task = started_task(td, clock);
  request_stop(task, "UserInitiated", "stop", clock.now_ms());
  CHECK(final_exit_reason(task, td, 143, clock, 0) == "the task is stopping");
  CHECK(task.stop_code == "UserInitiated");
}

TEST_CASE("task state machine: an essential container that stays stopped keeps one exiting with it from restarting",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  // `main` (listed first) could restart, but `side`, essential and without a policy, ends the task.
  const Json td = restarting_definition(R"({"enabled":true})", true);
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  clock.advance_ms(600'000);
  Observations observed;
  for (const char* name : {"main", "side"}) {
    observed[name].status.state = runtime::ContainerStatus::State::exited;
    observed[name].status.exit_code = 1;
    observed[name].status.finished_at = clock.now_ms();
  }
  const auto seen = observe(task, td, observed, 0, clock.now_ms());
  CHECK(seen.restarts.empty());
  REQUIRE(seen.stopped.size() == 2);
  CHECK(seen.stopped[0].container == "side");
  CHECK(seen.stopped[1].container == "main");
  CHECK(seen.stopped[1].not_restarted == "the task is stopping");
  CHECK(task.container("main")->last_status == model::TaskStatus::stopped);
  CHECK(task.container("main")->exit_code == 1);
}

TEST_CASE("task state machine: a container whose monitor vanished is not restarted (its exit code is unknown)",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  const Json td = restarting_definition(R"({"enabled":true})");
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  Observations observed;
  observed["side"].status.state = runtime::ContainerStatus::State::running;
  const auto seen = observe(task, td, observed, 0, clock.now_ms());
  CHECK(seen.restarts.empty());
  REQUIRE(seen.stopped.size() == 1);
  CHECK(seen.stopped[0].not_restarted == "its exit code is unknown");
  CHECK(task.desired_status == model::TaskStatus::stopped);
}

TEST_CASE("task state machine: a failed restart stops the container with its exit code, and an essential one the task",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  const bool essential = GENERATE(true, false);
  Json td = restarting_definition(R"({"enabled":true})");
  td["containerDefinitions"][0]["essential"] = essential;
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  const auto seen = exits(task, td, "main", 2, clock.now_ms(), 0);
  REQUIRE(seen.restarts.size() == 1);
  on_restart_failed(task, seen.restarts[0], "runc run: no space left on device", clock.now_ms());
  const auto* c = task.container("main");
  CHECK(c->last_status == model::TaskStatus::stopped);
  CHECK(c->exit_code == 2);
  CHECK(c->reason == "CannotStartContainerError: runc run: no space left on device");
  CHECK(c->restarts == 0);
  CHECK(task.desired_status == (essential ? model::TaskStatus::stopped : model::TaskStatus::running));
}

TEST_CASE("task state machine: a container keeps the newest restarted exits only, and its health starts over",
          "[agent][state-machine][restart]") {
  FakeClock clock;
  Json td = restarting_definition(R"({"enabled":true})");
  td["containerDefinitions"][0]["healthCheck"] = {{"command", {"CMD", "true"}}};
  auto task = task_of(td, clock.now_ms());
  start_pass(task, td, clock.now_ms());
  for (int n = 1; n <= 12; ++n) {
    on_health(task, "main", "HEALTHY");
    clock.advance_ms(1000);
    const auto seen = exits(task, td, "main", n, clock.now_ms(), 0);
    REQUIRE(seen.restarts.size() == 1);
    on_restarted(task, seen.restarts[0], clock.now_ms());
    CHECK(task.container("main")->health_status == "UNKNOWN");
  }
  const auto* c = task.container("main");
  CHECK(c->restarts == 12);
  REQUIRE(c->restart_exits.size() == model::k_kept_restart_exits);
  CHECK(c->restart_exits.front().exit_code == 3);
  CHECK(c->restart_exits.back().exit_code == 12);
}

TEST_CASE("task state machine: a pass takes the starts and stops a client waits on before the tasks that only run",
          "[agent][state-machine]") {
  const auto task = [](const std::string& id, model::TaskStatus desired, model::TaskStatus last, model::TaskStatus container) {
    model::Task t;
    t.id = id;
    t.desired_status = desired;
    t.last_status = last;
    model::TaskContainer c;
    c.name = "main";
    c.last_status = container;
    t.containers.push_back(c);
    return t;
  };
  using S = model::TaskStatus;
  std::vector<model::Task> tasks{task("a-running", S::running, S::running, S::running),
                                 task("b-starting", S::running, S::pending, S::pending),
                                 task("c-running", S::running, S::running, S::running),
                                 task("d-stopping", S::stopped, S::running, S::running),
                                 task("e-starting", S::running, S::pending, S::pending)};
  order_for_pass(tasks);
  std::vector<std::string> order;
  for (const auto& t : tasks) order.push_back(t.id);
  CHECK(order == std::vector<std::string>{"b-starting", "d-stopping", "e-starting", "a-running", "c-running"});
}

}  // namespace task_state_machine_test
