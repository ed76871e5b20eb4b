// UpdateTaskProtection and GetTaskProtection through the action table, on a fake clock, and the
// service scheduler honouring what they set.
#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"
#include "svc/service_scheduler.hpp"

namespace task_protection_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

std::string id_of_arn(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// A cluster "default" with one instance, a service "web" of `count` tasks (placed by a scheduler
// pass) and the scheduler; `task_ids` are the service's task ids, in id order.
struct ProtectionFixture : ServiceFixture {
  svc::ServiceScheduler scheduler{*ctx};
  std::vector<std::string> task_ids;

  explicit ProtectionFixture(int count = 3) {
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
        "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
    REQUIRE_OK(ecs_call(*ctx, "CreateService", Json{{"serviceName", "web"}, {"taskDefinition", "job"}, {"desiredCount", count}}));
    scheduler.pass();
    task_ids = running_tasks();
    REQUIRE(static_cast<int>(task_ids.size()) == count);
  }

  // The service's tasks whose desired status is RUNNING.
  std::vector<std::string> running_tasks() {
    auto listed = ecs_call(*ctx, "ListTasks", Json{{"serviceName", "web"}});
    REQUIRE_OK(listed);
    std::vector<std::string> ids;
    for (const auto& arn : (*listed)["taskArns"]) ids.push_back(id_of_arn(arn));
    return ids;
  }

  Result<Json> protect(const std::vector<std::string>& tasks, bool enabled, std::optional<int> minutes = std::nullopt) {
    Json body{{"cluster", "default"}, {"tasks", tasks}, {"protectionEnabled", enabled}};
    if (minutes) body["expiresInMinutes"] = *minutes;
    return ecs_call(*ctx, "UpdateTaskProtection", body);
  }

  // The service's newest event.
  std::string latest_event() {
    auto service = store->find_service("default", "web");
    REQUIRE_OK(service);
    REQUIRE(*service);
    return (*service)->events.empty() ? "" : (*service)->events.front().message;
  }
};

}  // namespace

TEST_CASE_METHOD(ProtectionFixture, "UpdateTaskProtection protects service tasks and GetTaskProtection reads it back",
                 "[svc][protection]") {
  const std::string arn0 = ctx->arns.task("default", task_ids[0]);
  const EpochMs now = clock.now_ms();

  // By ARN and by id; an unknown id fails alone, with its ARN.
  auto updated = protect({arn0, task_ids[1], "feedbeef"}, true, 60);
  REQUIRE_OK(updated);
  const Json expected_task0{{"taskArn", arn0}, {"protectionEnabled", true}, {"expirationDate", epoch_seconds(now + 3'600'000)}};
  CHECK((*updated)["protectedTasks"] ==
        Json::array({expected_task0, {{"taskArn", ctx->arns.task("default", task_ids[1])},
                                      {"protectionEnabled", true},
                                      {"expirationDate", epoch_seconds(now + 3'600'000)}}}));
  CHECK((*updated)["failures"] == Json::parse(R"([{"arn":"arn:aws:ecs:local:000000000000:task/default/feedbeef",
      "reason":"TASK_NOT_FOUND","detail":"The task was not found in cluster default."}])"));

  // GetTaskProtection: the tasks named, in the order named, the unprotected one too.
  auto got = ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}, {"tasks", {task_ids[2], arn0}}});
  REQUIRE_OK(got);
  CHECK((*got)["protectedTasks"] == Json::array({{{"taskArn", ctx->arns.task("default", task_ids[2])}, {"protectionEnabled", false}},
                                                 expected_task0}));
  CHECK((*got)["failures"] == Json::array());
  // Without tasks: every task protected now.
  got = ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}});
  REQUIRE_OK(got);
  REQUIRE((*got)["protectedTasks"].size() == 2);
  CHECK((*got)["protectedTasks"][0]["protectionEnabled"] == true);

  // Without expiresInMinutes: ECS's 2 hours, from now (a repeat extends it).
  clock.advance_ms(30'000);
  updated = protect({task_ids[0]}, true);
  REQUIRE_OK(updated);
  CHECK((*updated)["protectedTasks"][0]["expirationDate"] == epoch_seconds(clock.now_ms() + 7'200'000));

  // Removed: protectionEnabled false and no expirationDate.
  updated = protect({task_ids[0]}, false, 5);  // expiresInMinutes means nothing here
  REQUIRE_OK(updated);
  CHECK((*updated)["protectedTasks"] == Json::array({{{"taskArn", arn0}, {"protectionEnabled", false}}}));
}

TEST_CASE_METHOD(ProtectionFixture, "protection lapses at its expiration without a write", "[svc][protection]") {
  REQUIRE_OK(protect({task_ids[0]}, true, 1));
  clock.advance_ms(59'999);
  auto got = ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}, {"tasks", {task_ids[0]}}});
  REQUIRE_OK(got);
  CHECK((*got)["protectedTasks"][0]["protectionEnabled"] == true);
  clock.advance_ms(1);
  got = ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}, {"tasks", {task_ids[0]}}});
  REQUIRE_OK(got);
  CHECK((*got)["protectedTasks"][0] == Json{{"taskArn", ctx->arns.task("default", task_ids[0])}, {"protectionEnabled", false}});
  got = ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}});
  REQUIRE_OK(got);
  CHECK((*got)["protectedTasks"] == Json::array());
  // The stored time is as written: only readers decide it lapsed.
  auto rows = store->task_protections("default", {task_ids[0]});
  REQUIRE_OK(rows);
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().protected_until == clock.now_ms());
}

TEST_CASE_METHOD(ProtectionFixture, "only a service's running tasks take protection", "[svc][protection]") {
  auto ran = ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}});
  REQUIRE_OK(ran);
  const std::string standalone = (*ran)["tasks"][0]["taskArn"];
  REQUIRE_OK(ecs_call(*ctx, "StopTask", Json{{"task", task_ids[2]}}));
  auto updated = protect({standalone, task_ids[2], task_ids[0]}, true);
  REQUIRE_OK(updated);
  CHECK((*updated)["protectedTasks"].size() == 1);
  CHECK((*updated)["failures"] == Json::array(
      {{{"arn", standalone}, {"reason", "TASK_NOT_VALID"},
        {"detail", "The task is not part of a service: only a service's tasks can be protected from scale-in."}},
       {{"arn", ctx->arns.task("default", task_ids[2])}, {"reason", "TASK_NOT_VALID"},
        {"detail", "The task is stopped or stopping."}}}));
  // Nothing was written for them.
  auto rows = store->task_protections("default", {id_of_arn(standalone), task_ids[2]});
  REQUIRE_OK(rows);
  for (const auto& row : *rows) CHECK_FALSE(row.protected_until.has_value());
}

TEST_CASE_METHOD(ServiceFixture, "task protection requests are validated as ECS does", "[svc][protection]") {
  const auto update = [&](Json changes) {
    Json body{{"cluster", "default"}, {"tasks", {"0f"}}, {"protectionEnabled", true}};
    body.update(changes);
    return ecs_call(*ctx, "UpdateTaskProtection", body);
  };
  check_error(update({{"expiresInMinutes", 0}}), Code::invalid_parameter, "'expiresInMinutes' must be between 1 and 2880, got 0");
  check_error(update({{"expiresInMinutes", 2881}}), Code::invalid_parameter,
              "'expiresInMinutes' must be between 1 and 2880, got 2881");
  check_error(update({{"tasks", Json::array()}}), Code::invalid_parameter,
              "UpdateTaskProtection takes 1 to 10 tasks; 0 were given.");
  check_error(update({{"tasks", std::vector<std::string>(11, "0f")}}), Code::invalid_parameter,
              "UpdateTaskProtection takes 1 to 10 tasks; 11 were given.");
  check_error(update({{"cluster", "nope"}}), Code::cluster_not_found, "Cluster not found.");
  check_error(ecs_call(*ctx, "UpdateTaskProtection", Json{{"cluster", "default"}, {"tasks", {"0f"}}}),
              Code::invalid_parameter, "Missing required parameter 'protectionEnabled'");
  check_error(ecs_call(*ctx, "GetTaskProtection", Json{{"tasks", {"0f"}}}), Code::invalid_parameter,
              "Missing required parameter 'cluster'");
  check_error(ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "default"}, {"tasks", std::vector<std::string>(101, "0f")}}),
              Code::invalid_parameter, "GetTaskProtection takes at most 100 tasks; 101 were given.");
  check_error(ecs_call(*ctx, "GetTaskProtection", Json{{"cluster", "nope"}}), Code::cluster_not_found, "Cluster not found.");
  // At the limits: accepted (the task is unknown, a failure, not an error).
  for (int minutes : {1, 2880}) {
    auto ok = update({{"expiresInMinutes", minutes}, {"tasks", std::vector<std::string>(10, "0f")}});
    REQUIRE_OK(ok);
    CHECK((*ok)["failures"].size() == 10);
  }
}

TEST_CASE_METHOD(ProtectionFixture, "scale-in leaves protected tasks running and stops them once protection is removed",
                 "[svc][protection]") {
  REQUIRE_OK(protect({task_ids[0], task_ids[2]}, true));
  REQUIRE_OK(ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 1}}));
  scheduler.pass();
  CHECK(running_tasks() == std::vector<std::string>{task_ids[0], task_ids[2]});
  CHECK(latest_event() == "(service web) was unable to scale in due to (reason: 1 tasks under protection).");
  scheduler.pass();  // waiting: nothing more stops
  CHECK(running_tasks().size() == 2);

  REQUIRE_OK(protect({task_ids[0], task_ids[2]}, false));
  scheduler.pass();
  CHECK(running_tasks().size() == 1);
}

TEST_CASE_METHOD(ProtectionFixture, "scale-in stops protected tasks once their protection lapses", "[svc][protection]") {
  REQUIRE_OK(protect({task_ids[1]}, true, 2));
  REQUIRE_OK(ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"desiredCount", 0}}));
  scheduler.pass();
  CHECK(running_tasks() == std::vector<std::string>{task_ids[1]});
  clock.advance_ms(2 * 60'000);
  scheduler.pass();
  CHECK(running_tasks().empty());
}

}  // namespace task_protection_test
