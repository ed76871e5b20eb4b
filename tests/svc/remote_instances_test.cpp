// Joined (remote) instances over time: PollInstanceTasks lists an instance's desired tasks and
// waits for a change; reports and polls are heartbeats; an instance silent for the lost timeout
// is disconnected, its service tasks are stopped for good and replaced on connected instances,
// and when it comes back its poll no longer lists them and its late reports cannot revive them.
// Commands and secrets for a joined instance's tasks travel through its polls.
// Time is a FakeClock throughout; waits are bounded by the test's own signals, not by timing.
#include <thread>

#include <catch2/catch.hpp>

#include "fixtures/cluster_call.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/remote_fixture.hpp"
#include "fixtures/test_store.hpp"
#include "svc/execute_command.hpp"
#include "svc/instance_poll.hpp"
#include "svc/lost_instances.hpp"
#include "svc/poll_answerer.hpp"
#include "svc/service_scheduler.hpp"

namespace remote_instances_test {

using namespace berth;
using berth::testing::cluster_call;
using berth::testing::ecs_call;
using berth::testing::Joined;
using berth::testing::Json;
using berth::testing::RemoteFixture;
using berth::testing::ServiceFixture;
using berth::testing::StartedPoll;


TEST_CASE("PollInstanceTasks lists the instance's tasks with their definitions; the cursor moves on desired changes",
          "[svc][cluster]") {
  RemoteFixture f;
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  const Json empty = f.poll(a);
  CHECK(empty["tasks"].empty());
  CHECK(empty["containerInstanceArn"] == a.arn);

  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const std::string task_arn = (*started)["tasks"][0]["taskArn"];
  const Json listed = f.poll(a, Json{{"cursor", empty["cursor"]}, {"waitSeconds", 0}});
  CHECK(listed["cursor"] != empty["cursor"]);
  REQUIRE(listed["tasks"].size() == 1);
  CHECK(listed["tasks"][0]["taskArn"] == task_arn);
  CHECK(listed["tasks"][0]["desiredStatus"] == "RUNNING");
  CHECK(listed["tasks"][0]["version"].is_number_integer());
  REQUIRE(listed["taskDefinitions"].size() == 1);
  CHECK(listed["taskDefinitions"][0]["family"] == "web");
  CHECK(listed["taskDefinitions"][0]["revision"] == 1);
  CHECK(f.poll(b)["tasks"].empty());  // each instance sees its own

  // What the agent observed does not move the cursor: only what it is asked to do does.
  REQUIRE_OK(f.report(a, task_arn));
  CHECK(f.task(task_arn)["lastStatus"] == "RUNNING");
  CHECK(f.poll(a, Json{{"waitSeconds", 0}})["cursor"] == listed["cursor"]);
  REQUIRE_OK(ecs_call(*f.ctx, "StopTask", Json{{"task", task_arn}}));
  const Json stopping = f.poll(a, Json{{"cursor", listed["cursor"]}, {"waitSeconds", 0}});
  CHECK(stopping["cursor"] != listed["cursor"]);
  REQUIRE(stopping["tasks"].size() == 1);
  CHECK(stopping["tasks"][0]["desiredStatus"] == "STOPPED");
  REQUIRE_OK(f.report(a, task_arn, "STOPPED"));
  CHECK(f.poll(a)["tasks"].empty());  // stopped and reported: no longer the agent's business
}

TEST_CASE("A joined instance reports on its own tasks only", "[svc][cluster]") {
  RemoteFixture f;
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const std::string task_arn = (*started)["tasks"][0]["taskArn"];
  auto foreign = f.report(b, task_arn);
  REQUIRE_FALSE(foreign.has_value());
  CHECK(foreign.error().code == Code::invalid_parameter);
  CHECK(f.task(task_arn)["lastStatus"] == "PENDING");
  REQUIRE_OK(f.report(a, task_arn));
}

TEST_CASE("A joined instance re-registers itself only", "[svc][cluster]") {
  RemoteFixture f;
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  const Json resources = Json::parse(R"([{"name":"CPU","type":"INTEGER","integerValue":4096}])");
  auto itself = f.ecs_call_as(a.user, "RegisterContainerInstance",
                              Json{{"containerInstanceArn", a.arn}, {"totalResources", resources},
                                   {"attributes", Json::array({{{"name", "line"}, {"value", "9"}}})}});
  REQUIRE_OK(itself);
  CHECK((*itself)["containerInstance"]["registeredResources"][0]["integerValue"] == 4096);
  for (const Json& request : {Json{{"totalResources", resources}},
                              Json{{"containerInstanceArn", b.arn}, {"totalResources", resources}}}) {
    auto refused = f.ecs_call_as(a.user, "RegisterContainerInstance", request);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::client);
  }
  auto listed = ecs_call(*f.ctx, "ListContainerInstances", Json::object());
  REQUIRE_OK(listed);
  CHECK((*listed)["containerInstanceArns"].size() == 2);
}

TEST_CASE("A poll with the current cursor waits until the instance's tasks change", "[svc][cluster]") {
  RemoteFixture f;
  f.start_answerer();
  const Joined a = f.join("zone-a");
  const Json first = f.poll(a);
  Result<Json> woken = fail(Code::server, "not polled");
  std::thread poller = f.parked_poll(a, first["cursor"], woken);
  // A change elsewhere wakes it, but it waits on: nothing changed for this instance.
  const Joined b = f.join("zone-b");
  REQUIRE_OK(ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {b.arn}}}));
  REQUIRE_OK(ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}}));
  poller.join();
  REQUIRE_OK(woken);
  CHECK((*woken)["cursor"] != first["cursor"]);
  CHECK((*woken)["tasks"].size() == 1);
}

TEST_CASE("Polls beyond the waiter bound, and after close, are answered at once", "[svc][cluster]") {
  svc::RemoteAgentSettings settings;
  settings.max_waiters = 0;
  RemoteFixture f(settings);
  const Joined a = f.join("zone-a");
  const Json first = f.poll(a);
  // Would wait 20 s with a slot; with none it answers the current state now.
  CHECK(f.poll(a, Json{{"cursor", first["cursor"]}})["cursor"] == first["cursor"]);
  CHECK(f.agents.waiters() == 0);
  f.agents.close();
  CHECK(f.poll(a, Json{{"cursor", first["cursor"]}})["cursor"] == first["cursor"]);
}

TEST_CASE("Closing the remote agents answers the parked polls with the current state", "[svc][cluster]") {
  RemoteFixture f;
  f.start_answerer();
  const Joined a = f.join("zone-a");
  const Json first = f.poll(a);
  Result<Json> answered = fail(Code::server, "not polled");
  std::thread poller = f.parked_poll(a, first["cursor"], answered);
  f.answerer->stop();
  poller.join();
  REQUIRE_OK(answered);
  CHECK((*answered)["cursor"] == first["cursor"]);
}

TEST_CASE("A silent instance is lost: disconnected, its service tasks stopped and replaced elsewhere", "[svc][cluster]") {
  svc::RemoteAgentSettings settings;
  settings.lost_after_ms = 300'000;
  RemoteFixture f(settings);
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  REQUIRE_OK(ecs_call(*f.ctx, "CreateService", Json{{"serviceName", "svc"}, {"taskDefinition", "web"}, {"desiredCount", 2}}));
  svc::ServiceScheduler scheduler(*f.ctx);
  scheduler.pass();
  const Json on_a = f.poll(a);
  const Json on_b = f.poll(b);
  REQUIRE(on_a["tasks"].size() == 1);  // spread over the two zones
  REQUIRE(on_b["tasks"].size() == 1);
  const std::string lost_task = on_a["tasks"][0]["taskArn"];
  REQUIRE_OK(f.report(a, lost_task));
  // A standalone task on `a` too: no service replaces it, so it waits for its agent.
  auto standalone = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(standalone);
  const std::string standalone_arn = (*standalone)["tasks"][0]["taskArn"];

  CHECK(svc::lost_sweep_interval_ms(*f.ctx) == 30'000);  // a tenth of the timeout
  f.clock.advance_ms(299'999);
  f.poll(b);  // b keeps talking; a falls silent
  auto sweep = svc::sweep_lost_instances(*f.ctx);
  REQUIRE_OK(sweep);
  CHECK(sweep->instances_lost == 0);
  CHECK(f.instance(a)["agentConnected"] == true);

  f.clock.advance_ms(1);
  sweep = svc::sweep_lost_instances(*f.ctx);
  REQUIRE_OK(sweep);
  CHECK(sweep->instances_lost == 1);
  CHECK(sweep->tasks_stopped == 1);
  CHECK(f.instance(a)["agentConnected"] == false);
  CHECK(f.instance(b)["agentConnected"] == true);
  const Json stopped = f.task(lost_task);
  CHECK(stopped["lastStatus"] == "STOPPED");
  CHECK(stopped["desiredStatus"] == "STOPPED");
  CHECK_THAT(stopped["stoppedReason"].get<std::string>(), Catch::Contains("was lost") && Catch::Contains(a.id));
  CHECK(f.task(standalone_arn)["lastStatus"] == "PENDING");
  sweep = svc::sweep_lost_instances(*f.ctx);  // nothing more to do
  REQUIRE_OK(sweep);
  CHECK(sweep->instances_lost == 0);
  CHECK(sweep->tasks_stopped == 0);

  // The service replaces it on the connected instance, never on the lost one.
  scheduler.pass();
  CHECK(f.poll(b)["tasks"].size() == 2);
  auto placed = ecs_call(*f.ctx, "RunTask", Json{{"taskDefinition", "web"}, {"count", 3}});
  REQUIRE_OK(placed);
  REQUIRE((*placed)["tasks"].size() == 3);
  for (const auto& t : (*placed)["tasks"]) CHECK(t["containerInstanceArn"] == b.arn);

  // Back: its late report cannot revive the stopped task, and its poll no longer lists it, so
  // it stops its copy; it is connected again and its standalone task is still its own.
  auto late = f.report(a, lost_task, "RUNNING");
  REQUIRE_OK(late);
  CHECK(f.task(lost_task)["lastStatus"] == "STOPPED");
  CHECK(f.instance(a)["agentConnected"] == true);  // the report was a heartbeat
  const auto back = f.task_arns(f.poll(a));
  CHECK(std::find(back.begin(), back.end(), lost_task) == back.end());
  CHECK(std::find(back.begin(), back.end(), standalone_arn) != back.end());
}

TEST_CASE("The gateway's own instance is never lost; a restarted server gives every agent the whole timeout",
          "[svc][cluster]") {
  RemoteFixture f;
  const Joined a = f.join("zone-a");
  f.ctx->gateway->set_instance_id(a.id);  // as if it were the gateway's own
  f.clock.advance_ms(3'600'000);
  CHECK(f.sweep_lost() == 0);

  RemoteFixture restarted;  // a fresh memory: nothing heard from anyone yet
  const Joined b = restarted.join("zone-b");
  restarted.agents.forget(b.id);
  restarted.clock.advance_ms(3'600'000);
  CHECK(restarted.sweep_lost() == 0);  // first seen now: the clock starts here
  restarted.clock.advance_ms(300'000);
  CHECK(restarted.sweep_lost() == 1);
}

TEST_CASE("A report about an instance's task is its heartbeat, whoever signs it", "[svc][cluster]") {
  RemoteFixture f;
  const Joined a = f.join("zone-a");
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  f.clock.advance_ms(299'999);
  // An ECS agent signing with an operator's key: no instance user, still news from `a`.
  REQUIRE_OK(ecs_call(*f.ctx, "SubmitTaskStateChange", Json{{"task", (*started)["tasks"][0]["taskArn"]}, {"status", "RUNNING"}}));
  f.clock.advance_ms(1);
  CHECK(f.sweep_lost() == 0);
  f.clock.advance_ms(300'000);
  CHECK(f.sweep_lost() == 1);
}


TEST_CASE("A parked poll is answered when its wait ends, by the fake clock, as a heartbeat", "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);  // not started: the test runs its passes
  const Joined a = f.join("zone-a");
  const std::string cursor = f.poll(a)["cursor"];
  const EpochMs parked_at = f.clock.now_ms();
  StartedPoll poll(f, a, cursor, 10);
  CHECK_FALSE(poll.answered());
  CHECK(f.agents.waiters() == 1);
  f.clock.advance_ms(9'999);
  CHECK(answerer.pass() == 0);
  CHECK_FALSE(poll.answered());
  f.clock.advance_ms(1);
  CHECK(answerer.pass() == 1);
  REQUIRE(poll.answered());
  CHECK(poll.reply().cursor == cursor);
  CHECK(f.agents.waiters() == 0);
  // Waited out, the poll counts as heard from at its end, not at its start.
  CHECK(f.agents.last_heard(a.id, 0) == parked_at + 10'000);
}

TEST_CASE("A parked poll wakes when its own instance's tasks change, not another's", "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  const std::string cursor = f.poll(a)["cursor"];
  StartedPoll poll(f, a, cursor, 20);
  REQUIRE_OK(ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {b.arn}}}));
  answerer.pass();  // a change announced to all makes it look again (and park again) ...
  CHECK_FALSE(poll.answered());  // ... nothing for `a`
  CHECK(f.agents.waiters() == 1);
  CHECK(answerer.pass() == 0);
  REQUIRE_OK(ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}}));
  CHECK(answerer.pass() == 1);
  REQUIRE(poll.answered());
  CHECK(poll.reply().cursor != cursor);
  CHECK(poll.reply().tasks.size() == 1);
  CHECK(f.agents.waiters() == 0);
}

TEST_CASE("Polls beyond the parking bound are answered at once; parked ones keep their place", "[svc][cluster]") {
  svc::RemoteAgentSettings settings;
  settings.max_waiters = 2;
  RemoteFixture f(settings);
  svc::PollAnswerer answerer(*f.ctx);
  const Joined a = f.join("zone-a");
  const std::string cursor = f.poll(a)["cursor"];
  StartedPoll first(f, a, cursor, 20);
  StartedPoll second(f, a, cursor, 20);
  StartedPoll third(f, a, cursor, 20);
  CHECK_FALSE(first.answered());
  CHECK_FALSE(second.answered());
  REQUIRE(third.answered());  // no place: the current state now
  CHECK(third.reply().cursor == cursor);
  CHECK(f.agents.waiters() == 2);
  f.clock.advance_ms(20'000);
  CHECK(answerer.pass() == 2);
  CHECK(first.answered());
  CHECK(second.answered());
  StartedPoll fourth(f, a, cursor, 20);  // places are free again
  CHECK_FALSE(fourth.answered());
  f.agents.close();
  CHECK(answerer.pass() == 1);  // closing makes every parked poll due
  CHECK(fourth.answered());
}

TEST_CASE("ExecuteCommand for a task on a joined gateway is listed once in its poll and answered by its agent",
          "[svc][cluster][exec]") {
  RemoteFixture f;
  f.start_answerer();  // its polls park
  const Joined a = f.join("zone-a");
  auto started = ecs_call(*f.ctx, "StartTask",
                          Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}, {"enableExecuteCommand", true}});
  REQUIRE_OK(started);
  const std::string task_arn = (*started)["tasks"][0]["taskArn"];
  const std::string task_id = task_arn.substr(task_arn.rfind('/') + 1);
  REQUIRE_OK(f.report(a, task_arn));
  const Json first = f.poll(a);
  CHECK_FALSE(first.contains("execRequests"));

  // Catch's assertions stay on this thread: the caller only keeps what it got.
  Result<Json> ran = fail(Code::server, "not run");
  std::thread caller([&] {
    ran = ecs_call(*f.ctx, "ExecuteCommand",
                   Json{{"task", task_arn}, {"command", "sh -c 'echo hi; exit 3'"}, {"interactive", false}});
  });
  // Answered at once once the ask is open (a parked poll is woken by it).
  Json asked = f.poll(a, Json{{"cursor", first["cursor"]}, {"waitSeconds", 20}});
  while (!asked.contains("execRequests")) asked = f.poll(a, Json{{"cursor", first["cursor"]}, {"waitSeconds", 20}});
  REQUIRE(asked["execRequests"].size() == 1);
  const Json request = asked["execRequests"][0];
  CHECK(request["runtimeId"] == task_id + "-main");
  CHECK(request["command"] == Json::array({"sh", "-c", "echo hi; exit 3"}));
  // Listed once: the agent runs it while it goes on polling.
  CHECK_FALSE(f.poll(a, Json{{"cursor", first["cursor"]}, {"waitSeconds", 0}}).contains("execRequests"));

  const Json answer{{"containerInstance", a.arn},
                    {"requestId", request["requestId"]},
                    {"outcome", {{"exitCode", 3}, {"output", "hi\n"}}}};
  REQUIRE_OK(cluster_call(*f.ctx, "SubmitExecResult", answer, a.user));
  caller.join();
  REQUIRE_OK(ran);
  CHECK((*ran)["berthCommandResult"] == Json{{"exitCode", 3}, {"output", "hi\n"}, {"outputTruncated", false}, {"timedOut", false}});
  CHECK((*ran)["containerName"] == "main");
  // Answered, the request is closed: a second answer is refused.
  CHECK(cluster_call(*f.ctx, "SubmitExecResult", answer, a.user).error().code == Code::invalid_parameter);

  // The agent's refusal (the container is not running there) reaches the caller as it gave it.
  std::thread refused_caller([&] {
    ran = ecs_call(*f.ctx, "ExecuteCommand", Json{{"task", task_arn}, {"command", "ls"}, {"interactive", false}});
  });
  asked = f.poll(a, Json{{"cursor", first["cursor"]}, {"waitSeconds", 20}});
  while (!asked.contains("execRequests")) asked = f.poll(a, Json{{"cursor", first["cursor"]}, {"waitSeconds", 20}});
  REQUIRE_OK(cluster_call(*f.ctx, "SubmitExecResult",
                          Json{{"containerInstance", a.arn},
                               {"requestId", asked["execRequests"][0]["requestId"]},
                               {"refusal", {{"code", "InvalidParameterException"}, {"message", "The container is not running on this gateway."}}}},
                          a.user));
  refused_caller.join();
  REQUIRE_FALSE(ran.has_value());
  CHECK(ran.error().code == Code::invalid_parameter);
  CHECK(ran.error().message == "The container is not running on this gateway.");
}

TEST_CASE("A poll carries the resolved secrets of the instance's tasks until their containers started", "[svc][cluster][secrets]") {
  RemoteFixture f;
  f.add_secret_family();
  const Joined a = f.join("zone-a");
  const Joined b = f.join("zone-b");
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "db"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const std::string task_arn = (*started)["tasks"][0]["taskArn"];
  const Json listed = f.poll(a);
  REQUIRE(listed["secrets"].size() == 2);
  CHECK(listed["secrets"][0] == Json{{"valueFrom", "db-pass"}, {"value", "s3cr3t"}});
  CHECK(listed["secrets"][1]["valueFrom"] == "no-such-secret");
  CHECK_FALSE(listed["secrets"][1].contains("value"));
  CHECK(listed["secrets"][1]["error"].get<std::string>().find("no-such-secret") != std::string::npos);
  CHECK_FALSE(f.poll(b).contains("secrets"));  // only the instance the task is placed on
  // Its container started (it holds its values now): the values are no longer sent.
  REQUIRE_OK(f.ecs_call_as(a.user, "SubmitContainerStateChange",
                           Json{{"task", task_arn}, {"containerName", "main"}, {"status", "RUNNING"}}));
  CHECK_FALSE(f.poll(a).contains("secrets"));
}

TEST_CASE("A poll at rest is parked from its tasks' ids and desired statuses; its replies are never stale",
          "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);  // not started: the test runs its passes
  const Joined a = f.join("zone-a");
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const std::string task_arn = (*started)["tasks"][0]["taskArn"];
  const std::string task_id = task_arn.substr(task_arn.rfind('/') + 1);
  const Json first = f.poll(a);
  const std::string cursor = first["cursor"];
  REQUIRE(first["tasks"].size() == 1);
  CHECK(first["tasks"][0]["lastStatus"] == "PENDING");

  SECTION("an observed change keeps the cursor, and the reply at the wait's end carries it") {
    StartedPoll poll(f, a, cursor, 10);
    REQUIRE_OK(f.report(a, task_arn));
    answerer.pass();
    CHECK_FALSE(poll.answered());  // nothing for the agent to do
    f.clock.advance_ms(10'000);
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK(poll.reply().cursor == cursor);
    REQUIRE(poll.reply().tasks.size() == 1);
    CHECK(poll.reply().tasks[0].last_status == model::TaskStatus::running);
  }
  SECTION("a desired change wakes the parked poll, which lists it") {
    StartedPoll poll(f, a, cursor, 20);
    REQUIRE_OK(ecs_call(*f.ctx, "StopTask", Json{{"task", task_arn}}));
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK(poll.reply().cursor != cursor);
    REQUIRE(poll.reply().tasks.size() == 1);
    CHECK(poll.reply().tasks[0].desired_status == model::TaskStatus::stopped);
  }
  SECTION("a change nobody announced still reaches the next poll at once") {
    f.stop_unannounced(task_id);
    StartedPoll poll(f, a, cursor, 20);
    REQUIRE(poll.answered());
    CHECK(f.agents.waiters() == 0);
    CHECK(poll.reply().cursor != cursor);
    CHECK(poll.reply().cursor == model::instance_tasks_cursor(poll.reply().tasks));
  }
  SECTION("the cursor from ids and desired statuses is the reply's") {
    auto read = f.store->instance_task_desires("default", a.id, svc::k_max_polled_tasks);
    REQUIRE_OK(read);
    REQUIRE(read->desires.size() == 1);
    CHECK(read->desires[0].id == task_id);
    CHECK(model::instance_tasks_cursor(read->desires) == cursor);
    // The same version while nothing is written, on the store that tracks them (not the replicated
    // one, whose versions never repeat: store/instance_task_versions.hpp).
    CHECK((read->version == f.store->instance_tasks_version("default", a.id)) ==
          !berth::testing::replicated_test_store());
  }
}

}  // namespace remote_instances_test
