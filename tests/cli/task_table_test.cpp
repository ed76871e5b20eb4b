#include "cli/task_table.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::task_table_test {
namespace {

model::Json task(const std::string& id, const std::string& status, double created, const std::string& extra = "{}") {
  model::Json t{{"taskArn", "arn:aws:ecs:local:000000000000:task/default/" + id},
                {"taskDefinitionArn", "arn:aws:ecs:local:000000000000:task-definition/web:3"},
                {"lastStatus", status},
                {"desiredStatus", status == "STOPPED" ? "STOPPED" : "RUNNING"},
                {"healthStatus", "UNKNOWN"},
                {"createdAt", created},
                {"group", "service:web"}};
  t.update(model::Json::parse(extra));
  return t;
}

}  // namespace

TEST_CASE("task table: newest first, short ids, ports, relative start, stopping shown", "[cli]") {
  const EpochMs now = 1'796'316'000'000;
  const std::vector<model::Json> tasks{
      task("19d24502d5cda058d4b2aefeed77a518", "RUNNING", 1'796'315'000.0,
           R"({"startedAt": 1796315880.5, "healthStatus": "HEALTHY", "containers": [{"name": "main",
               "networkBindings": [{"bindIP": "0.0.0.0", "containerPort": 8080, "hostPort": 53315, "protocol": "tcp"},
                                   {"containerPort": 53, "hostPort": 5353, "protocol": "udp"}]}]})"),
      task("7b1fb65fb02184581c02bf8e38513dc7", "RUNNING", 1'796'315'900.0,
           R"({"desiredStatus": "STOPPED", "startedAt": 1796315990.0, "group": "family:web"})"),
      task("aa", "PENDING", 1'796'315'950.0, R"({"taskDefinitionArn": "no-arn"})")};
  CHECK(format_task_table(tasks, now, Colouring::off) ==
        "TASK ID        TASK DEFINITION   STATUS               HEALTH    PORTS                                           STARTED   GROUP\n"
        "aa             no-arn            PENDING              -         -                                               -         service:web\n"
        "7b1fb65fb021   web:3             RUNNING (stopping)   -         -                                               10s ago   family:web\n"
        "19d24502d5cd   web:3             RUNNING              HEALTHY   0.0.0.0:53315->8080/tcp, 0.0.0.0:5353->53/udp   1m ago    service:web\n");
  CHECK(format_task_table({}, now, Colouring::off) == "TASK ID   TASK DEFINITION   STATUS   HEALTH   PORTS   STARTED   GROUP\n");
}

TEST_CASE("task table: why a task stopped, and members of the wrong type read as missing", "[cli]") {
  const auto stopped = task("bb", "STOPPED", 1.0, R"({"stoppedReason": "Essential container in task exited",
      "containers": [{"name": "main", "exitCode": 3}, {"name": "side", "reason": "CannotPullContainerError: no such image"}]})");
  CHECK(stop_summary(stopped) ==
        "Essential container in task exited; main exited 3; side: CannotPullContainerError: no such image");
  CHECK(stop_summary(task("cc", "RUNNING", 1.0)).empty());
  auto was_listening = stopped;
  was_listening["containers"][0]["networkBindings"] = {{{"containerPort", 80}, {"hostPort", 8080}}};
  CHECK(task_ports(was_listening) == "0.0.0.0:8080->80/tcp");
  CHECK(format_task_table({was_listening}, 0, Colouring::off).find("->") == std::string::npos);
  const auto odd = task("dd", "RUNNING", 1.0, R"({"containers": [{"networkBindings": [{"hostPort": "80"}]}], "group": 7})");
  CHECK(task_ports(odd) == "0.0.0.0:0->0/tcp");
  CHECK(format_task_table({odd}, 0, Colouring::off).find("RUNNING") != std::string::npos);
  CHECK(family_revision("arn:aws:ecs:local:0:task-definition/db:12") == "db:12");
}

}  // namespace berth::cli::task_table_test
