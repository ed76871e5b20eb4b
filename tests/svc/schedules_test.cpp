#include "svc/schedules.hpp"

#include <catch2/catch.hpp>
#include <cstdio>

#include "common/civil_time.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"
#include "svc/schedule_runner.hpp"

namespace schedules_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

constexpr const char* k_cluster_arn = "arn:aws:ecs:local:000000000000:cluster/default";

// A gateway with room for tasks and a task definition for the schedules to run.
struct ScheduleFixture : ServiceFixture {
  svc::ScheduleRunner runner{*ctx};

  ScheduleFixture() {
    REQUIRE_OK(berth::testing::ecs_call(
        *ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                               {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    REQUIRE_OK(berth::testing::ecs_call(
        *ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host","containerDefinitions":[
                                 {"name":"main","image":"busybox","memory":16}]})")));
  }

  std::int64_t now() const { return clock.now_ms() / 1000; }

  // at(...) `seconds` from now, in UTC.
  std::string at_from_now(std::int64_t seconds) const {
    const auto t = now() + seconds;
    const auto date = civil_from_days(t / 86400);
    char text[40];
    std::snprintf(text, sizeof text, "at(%04d-%02d-%02dT%02lld:%02lld:%02lld)", date.year, date.month, date.day,
                  static_cast<long long>(t % 86400 / 3600), static_cast<long long>(t % 3600 / 60),
                  static_cast<long long>(t % 60));
    return text;
  }

  Json request(const std::string& name, const std::string& expression, Json extra = Json::object()) const {
    Json r{{"Name", name},
           {"ScheduleExpression", expression},
           {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
           {"Target", {{"Arn", k_cluster_arn}, {"RoleArn", "arn:aws:iam::000000000000:role/x"},
                       {"EcsParameters", {{"TaskDefinitionArn", "job"}}}}}};
    r.update(extra);
    return r;
  }

  Json get(const std::string& name) {
    auto got = svc::get_schedule(*ctx, Json{{"Name", name}});
    REQUIRE_OK(got);
    return *got;
  }

  std::vector<model::Task> tasks_of(const std::string& name) {
    store::TaskQuery query;
    query.started_by = "scheduler/" + name;
    auto tasks = store->list_tasks(query);
    REQUIRE_OK(tasks);
    return *tasks;
  }

  void advance_and_run(std::int64_t seconds) {
    clock.advance_ms(seconds * 1000);
    runner.pass();
  }
};

}  // namespace

TEST_CASE_METHOD(ScheduleFixture, "schedules: an at() runs its task once, then has no next run", "[svc]") {
  REQUIRE_OK(svc::create_schedule(*ctx, request("once", at_from_now(10))));
  CHECK(get("once")["NextInvocation"] == now() + 10);
  advance_and_run(9);
  CHECK(tasks_of("once").empty());
  advance_and_run(1);
  REQUIRE(tasks_of("once").size() == 1);
  CHECK(tasks_of("once")[0].group == "family:job");
  const Json after = get("once");
  CHECK(after["LastRun"]["Result"] == "STARTED");
  CHECK(after["LastRun"]["TaskArns"].size() == 1);
  CHECK_FALSE(after.contains("NextInvocation"));
  advance_and_run(3600);
  CHECK(tasks_of("once").size() == 1);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: ActionAfterCompletion DELETE removes a finished one-shot", "[svc]") {
  REQUIRE_OK(svc::create_schedule(*ctx, request("cleanup", at_from_now(5), {{"ActionAfterCompletion", "DELETE"}})));
  advance_and_run(5);
  CHECK(tasks_of("cleanup").size() == 1);
  auto gone = svc::get_schedule(*ctx, Json{{"Name", "cleanup"}});
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().code == Code::resource_not_found);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: missed runs are not replayed; a flexible window allows a late start", "[svc]") {
  REQUIRE_OK(svc::create_schedule(*ctx, request("minutely", "cron(* * * * ? *)")));
  REQUIRE_OK(svc::create_schedule(
      *ctx, request("late-ok", at_from_now(30), {{"FlexibleTimeWindow", {{"Mode", "FLEXIBLE"}, {"MaximumWindowInMinutes", 15}}}})));
  // As if berth was down for an hour: each schedule resumes; nothing runs in a burst.
  advance_and_run(3600);
  CHECK(tasks_of("minutely").empty());
  const Json minutely = get("minutely");
  CHECK(minutely["LastRun"]["Result"] == "MISSED");
  CHECK(minutely["NextInvocation"].get<std::int64_t>() > now());
  CHECK(minutely["NextInvocation"].get<std::int64_t>() <= now() + 60);
  CHECK(tasks_of("late-ok").empty());  // an hour late is beyond its 15 minutes

  REQUIRE_OK(svc::create_schedule(
      *ctx, request("late-ok-2", at_from_now(30), {{"FlexibleTimeWindow", {{"Mode", "FLEXIBLE"}, {"MaximumWindowInMinutes", 15}}}})));
  advance_and_run(600);  // ten minutes late: within the window
  CHECK(tasks_of("late-ok-2").size() == 1);
  advance_and_run(60);
  CHECK(tasks_of("minutely").size() == 1);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: SKIP_IF_RUNNING skips while the previous run's tasks run", "[svc]") {
  REQUIRE_OK(svc::create_schedule(*ctx, request("skip", "rate(1 minute)", {{"OverlapPolicy", "SKIP_IF_RUNNING"}})));
  REQUIRE_OK(svc::create_schedule(*ctx, request("allow", "rate(1 minute)")));
  advance_and_run(60);
  CHECK(tasks_of("skip").size() == 1);
  CHECK(tasks_of("allow").size() == 1);
  advance_and_run(60);  // the first tasks are still PENDING: not stopped
  CHECK(tasks_of("skip").size() == 1);
  CHECK(get("skip")["LastRun"]["Result"] == "SKIPPED");
  CHECK(tasks_of("allow").size() == 2);

  // Once the previous run's task has stopped, the next run starts.
  auto task = tasks_of("skip")[0];
  const auto version = task.version;
  task.last_status = task.desired_status = model::TaskStatus::stopped;
  ++task.version;
  REQUIRE_OK(store->replace_task(task, version));
  advance_and_run(60);
  CHECK(tasks_of("skip").size() == 2);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: StartDate, EndDate, State and time zones decide the next run", "[svc]") {
  const std::int64_t start = now() + 86400;
  REQUIRE_OK(svc::create_schedule(*ctx, request("window", "rate(1 hour)",
                                                 {{"StartDate", start}, {"EndDate", start + 7200}})));
  CHECK(get("window")["NextInvocation"] == start + 3600);
  auto schedule = store->find_schedule("default", "window");
  REQUIRE_OK(schedule);
  auto after_end = svc::next_run_of(*ctx, **schedule, start + 7200);
  REQUIRE_OK(after_end);
  CHECK_FALSE(after_end->has_value());

  REQUIRE_OK(svc::create_schedule(*ctx, request("off", "rate(5 minutes)", {{"State", "DISABLED"}})));
  CHECK_FALSE(get("off").contains("NextInvocation"));

  // 2023-11-14 (the fake clock's day) is in EST: 09:00 New York is 14:00 UTC.
  REQUIRE_OK(svc::create_schedule(*ctx, request("ny", "cron(0 9 * * ? *)", {{"ScheduleExpressionTimezone", "America/New_York"}})));
  CHECK(get("ny")["NextInvocation"].get<std::int64_t>() % 86400 == 14 * 3600);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: bad requests are refused and change nothing", "[svc]") {
  REQUIRE_OK(svc::create_schedule(*ctx, request("keep", "rate(5 minutes)")));
  const Json before = get("keep");
  struct Case {
    Json request;
    Code code;
  };
  const std::vector<Case> cases = {
      {request("bad-cron", "cron(0 9 * * * *)"), Code::invalid_parameter},
      {request("bad-zone", "rate(1 hour)", {{"ScheduleExpressionTimezone", "../../etc/passwd"}}), Code::invalid_parameter},
      {request("no-zone", "rate(1 hour)", {{"ScheduleExpressionTimezone", "Mars/Olympus_Mons"}}), Code::invalid_parameter},
      {request("bad name!", "rate(1 hour)"), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", "arn:aws:sqs:local:000000000000:queue"}}}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", "arn:aws:ecs:local:000000000000:cluster/nope"},
                                                 {"EcsParameters", {{"TaskDefinitionArn", "job"}}}}}}),
       Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", k_cluster_arn}, {"Input", "not json"},
                                                 {"EcsParameters", {{"TaskDefinitionArn", "job"}}}}}}),
       Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", k_cluster_arn}, {"Input", std::string(65, '[') + std::string(65, ']')},
                                                 {"EcsParameters", {{"TaskDefinitionArn", "job"}}}}}}),
       Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", k_cluster_arn}, {"EcsParameters", {{"TaskDefinitionArn", "job:foo"}}}}}}),
       Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"Target", {{"Arn", k_cluster_arn}, {"EcsParameters", {{"TaskDefinitionArn", "b@d"}}}}}}),
       Code::client},
      {request("x", "rate(1 hour)", {{"StartDate", 1e300}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"EndDate", "inf"}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"StartDate", "nan"}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"StartDate", -1}}), Code::invalid_parameter},
      {request("x", "at(2030-01-01T00:00:00)", {{"EndDate", 1900000000}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"StartDate", 2000}, {"EndDate", 1000}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"FlexibleTimeWindow", {{"Mode", "FLEXIBLE"}}}}), Code::invalid_parameter},
      {request("x", "rate(1 hour)", {{"GroupName", "other"}}), Code::resource_not_found},
      {request("keep", "rate(1 hour)"), Code::conflict},
  };
  for (const auto& c : cases) {
    INFO(c.request.dump());
    auto r = svc::create_schedule(*ctx, c.request);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == c.code);
  }
  auto missing = svc::update_schedule(*ctx, request("missing", "rate(1 hour)"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::resource_not_found);
  CHECK(get("keep") == before);
  auto listed = svc::list_schedules(*ctx, Json::object());
  REQUIRE_OK(listed);
  CHECK((*listed)["Schedules"].size() == 1);
}

TEST_CASE_METHOD(ScheduleFixture, "schedules: the Target becomes RunTask's request, Input its overrides", "[svc]") {
  Json target{{"Arn", k_cluster_arn},
              {"Input", R"({"containerOverrides":[{"name":"main","command":["echo","hi"]}]})"},
              {"EcsParameters", {{"TaskDefinitionArn", "job"}, {"TaskCount", 2}, {"Group", "nightly"},
                                 {"Tags", {{{"team", "ops"}}}},
                                 {"PlacementStrategy", {{{"type", "spread"}, {"field", "instanceId"}}}}}}};
  REQUIRE_OK(svc::create_schedule(*ctx, request("full", at_from_now(1), {{"Target", target}})));
  advance_and_run(1);
  const auto tasks = tasks_of("full");
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].group == "nightly");
  auto described = testing::ecs_call(*ctx, "DescribeTasks", Json{{"tasks", {tasks[0].id}}, {"include", {"TAGS"}}});
  REQUIRE_OK(described);
  const Json task = (*described)["tasks"][0];
  CHECK(task["overrides"]["containerOverrides"][0]["command"] == Json{"echo", "hi"});
  CHECK(task["tags"] == Json::parse(R"([{"key":"team","value":"ops"}])"));
  CHECK(task["startedBy"] == "scheduler/full");
}

}  // namespace schedules_test
