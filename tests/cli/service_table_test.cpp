#include "cli/service_table.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::service_table_test {

namespace {

const model::Json k_web = model::Json::parse(R"({
  "serviceName": "web", "taskDefinition": "arn:aws:ecs:local:0:task-definition/web:2",
  "desiredCount": 3, "runningCount": 2, "pendingCount": 1,
  "deployments": [
    {"status": "PRIMARY", "rolloutState": "IN_PROGRESS", "taskDefinition": "arn:aws:ecs:local:0:task-definition/web:2"},
    {"status": "ACTIVE", "rolloutState": "COMPLETED", "taskDefinition": "arn:aws:ecs:local:0:task-definition/web:1"}],
  "events": [
    {"id": "e2", "createdAt": 1796315990.0, "message": "(service web) has started 1 tasks: (task 19d24502d5cda058d4b2aefeed77a518) and a message longer than the column."},
    {"id": "e1", "createdAt": 1796315000.0, "message": "(service web) has reached a steady state."}]})");

const model::Json k_db = model::Json::parse(R"({
  "serviceName": "db", "taskDefinition": "arn:aws:ecs:local:0:task-definition/db:1",
  "desiredCount": 1, "runningCount": 1, "pendingCount": 0,
  "deployments": [{"status": "PRIMARY", "rolloutState": "COMPLETED", "taskDefinition": "arn:aws:ecs:local:0:task-definition/db:1"}],
  "events": [{"id": "d1", "createdAt": 1796315500.0, "message": "(service db) was unable to place a task."}]})");

}  // namespace

TEST_CASE("service table: counts, rollout with old deployments, the latest event clipped", "[cli]") {
  CHECK(format_service_table({k_web, k_db}, 1'796'316'000'000, Colouring::off) ==
        "SERVICE   TASK DEFINITION   DESIRED   RUNNING   PENDING   ROLLOUT              LAST EVENT\n"
        "db        db:1              1         1         0         COMPLETED            8m ago: was unable to place a task.\n"
        "web       web:2             3         2         1         IN_PROGRESS +1 old   10s ago: has started 1 tasks: (task 19d24502d5cda058d4b2aefeed77a518)…\n");
  CHECK(rollout_summary(model::Json::object()) == "-");
}

TEST_CASE("service events: all services merged oldest first, without ECS's prefix", "[cli]") {
  const auto events = service_events({k_web, k_db});
  REQUIRE(events.size() == 3);
  CHECK(events[0].id == "e1");
  CHECK(events[0].message == "has reached a steady state.");
  CHECK(events[1].service == "db");
  CHECK(events[2].id == "e2");
  CHECK(format_event(events[0], Colouring::off) == "2026-12-03T16:23:20Z  web  has reached a steady state.\n");
  // Events of the same time keep ECS's order, read oldest first.
  auto rolled = k_web;
  rolled["events"] = model::Json::parse(R"([{"id": "b", "createdAt": 5.0, "message": "rolling back"},
                                           {"id": "a", "createdAt": 5.0, "message": "deployment failed"}])");
  const auto same_time = service_events({rolled});
  CHECK((same_time[0].id == "a" && same_time[1].id == "b"));
  CHECK(format_event(events[1], Colouring::on) ==
        "\033[2m2026-12-03T16:31:40Z\033[0m  db  \033[31mwas unable to place a task.\033[0m\n");
}

}  // namespace berth::cli::service_table_test
