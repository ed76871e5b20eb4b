#include "cli/instance_table.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::instance_table_test {

TEST_CASE("instance table: reserved of registered CPU and memory, agent, architecture", "[cli]") {
  const auto instance = model::Json::parse(R"({
    "containerInstanceArn": "arn:aws:ecs:local:0:container-instance/default/530d111d2c2b5a14b1cb54abb3892735",
    "status": "ACTIVE", "agentConnected": true, "runningTasksCount": 1, "pendingTasksCount": 0,
    "registeredAt": 1796315763.604,
    "attributes": [{"name": "ecs.cpu-architecture", "value": "arm64"}],
    "registeredResources": [{"name": "CPU", "integerValue": 2048}, {"name": "MEMORY", "integerValue": 1024}],
    "remainingResources": [{"name": "CPU", "integerValue": 1948}, {"name": "MEMORY", "integerValue": 992}]})");
  auto lost = instance;
  lost["agentConnected"] = false;
  lost["status"] = "DRAINING";
  lost.erase("remainingResources");
  CHECK(format_instance_table({instance, lost}, 1'796'316'000'000, Colouring::off) ==
        "INSTANCE ID    STATUS     AGENT          RUNNING   PENDING   CPU        MEMORY (MiB)   ARCH    REGISTERED\n"
        "530d111d2c2b   ACTIVE     connected      1         0         100/2048   32/1024        arm64   3m ago\n"
        "530d111d2c2b   DRAINING   disconnected   1         0         -          -              arm64   3m ago\n");
  CHECK(reserved_of(instance, "GPU") == "-");
  // A member of another type than the API's shows as its default instead of throwing.
  auto odd = instance;
  odd["agentConnected"] = "yes";
  CHECK(format_instance_table({odd}, 1'796'316'000'000, Colouring::off).find("disconnected") != std::string::npos);
}

TEST_CASE("schedule table: next run ahead, what the last run did", "[cli]") {
  const auto nightly = model::Json::parse(R"j({"Name": "nightly", "GroupName": "default", "State": "ENABLED",
    "ScheduleExpression": "cron(0 2 * * ? *)", "NextInvocation": 1796320000,
    "LastRun": {"ScheduledTime": 1796310000, "StartedAt": 1796310001.5, "Result": "STARTED"}})j");
  const auto off = model::Json::parse(R"j({"Name": "once", "GroupName": "ops", "State": "DISABLED",
    "ScheduleExpression": "at(2026-12-01T00:00:00)", "LastRun": {"ScheduledTime": 1796000000, "Result": "FAILED"}})j");
  CHECK(format_schedule_table({nightly, off}, 1'796'316'000'000, Colouring::off) ==
        "SCHEDULE   GROUP     STATE      EXPRESSION                NEXT RUN   LAST RUN\n"
        "nightly    default   ENABLED    cron(0 2 * * ? *)         in 1h      1h ago: STARTED\n"
        "once       ops       DISABLED   at(2026-12-01T00:00:00)   -          3d ago: FAILED\n");
}

}  // namespace berth::cli::instance_table_test
