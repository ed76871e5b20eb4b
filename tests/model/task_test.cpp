#include "model/task.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

namespace task_test {

using namespace berth::model;
using berth::testing::make_task_def;

TEST_CASE("reservation_of: task cpu and memory, else the containers' sums", "[model]") {
  Json td = make_task_def();
  td["cpu"] = "512";
  td["memory"] = "2048";
  auto r = reservation_of(td, Json::object());
  CHECK(r.cpu == 512);
  CHECK(r.memory == 2048);
  r = reservation_of(td, Json{{"cpu", "1024"}, {"memory", "4096"}});
  CHECK(r.cpu == 1024);
  CHECK(r.memory == 4096);
  CHECK(r.host_ports == std::vector<std::pair<int, std::string>>{{80, "tcp"}});
}

TEST_CASE("reservation_of: a value that is not a normalised number counts the containers, never throws", "[model]") {
  // Such values never pass validation; a record written before normalisation still must not
  // take a scheduler thread down.
  for (const char* text : {"1 vcpu", "0.25 vCPU", "2GB", "lots", "99999999999999999999", "-1"}) {
    Json td = make_task_def();
    td["cpu"] = text;
    td["memory"] = text;
    INFO(text);
    const auto r = reservation_of(td, Json{{"memory", text}});
    CHECK(r.cpu == 100);
    CHECK(r.memory == 100);
  }
}

TEST_CASE("task records keep statuses in their wire spellings; an unreadable one is a corrupt record", "[model]") {
  Task task;
  task.id = "0123456789abcdef0123456789abcdef";
  task.last_status = TaskStatus::stopping;
  task.desired_status = TaskStatus::stopped;
  TaskContainer container;
  container.name = "main";
  container.last_status = TaskStatus::running;
  task.containers.push_back(container);
  Json record = task_to_record(task);
  CHECK(record["lastStatus"] == "STOPPING");
  CHECK(record["desiredStatus"] == "STOPPED");
  CHECK(record["containers"][0]["lastStatus"] == "RUNNING");
  auto back = task_from_record(record);
  REQUIRE(back.has_value());
  CHECK(back->last_status == TaskStatus::stopping);
  CHECK(back->desired_status == TaskStatus::stopped);
  CHECK(back->containers.at(0).last_status == TaskStatus::running);

  for (const Json& bad : {Json("running"), Json("BOGUS"), Json(3), Json(nullptr)}) {
    INFO(bad.dump());
    for (Json* field : {&record["lastStatus"], &record["desiredStatus"], &record["containers"][0]["lastStatus"]}) {
      const Json kept = *field;
      *field = bad;
      auto refused = task_from_record(record);
      REQUIRE_FALSE(refused.has_value());
      CHECK(refused.error().code == berth::Code::server);
      CHECK(refused.error().message.starts_with("corrupt task record"));
      *field = kept;
    }
  }
}

namespace {

Task task_with_containers() {
  Task t;
  t.id = "0123456789abcdef0123456789abcdef";
  t.cluster = "default";
  t.family = "app";
  t.revision = 1;
  for (const char* name : {"plain", "restarting"}) {
    TaskContainer c;
    c.name = name;
    c.id = std::string(name) + "-id";
    c.last_status = TaskStatus::running;
    t.containers.push_back(c);
  }
  return t;
}

}  // namespace

TEST_CASE("task record: a container's restarts survive the store, and a container without any stays as it was",
          "[model]") {
  Task t = task_with_containers();
  TaskContainer& c = t.containers[1];
  c.restarts = 2;
  c.last_restarted_at = 1'700'000'005'000;
  c.restart_exits = {{3, 1'700'000'001'000}, {137, 1'700'000'004'900}};
  c.restart_policy_enabled = true;

  const Json record = task_to_record(t);
  for (const char* key : {"lastRestartedAt", "restartExits", "restartPolicyEnabled"}) {
    CHECK_FALSE(record["containers"][0].contains(key));
  }
  auto back = task_from_record(record);
  REQUIRE(back.has_value());
  const TaskContainer& r = back->containers[1];
  CHECK(r.restarts == 2);
  CHECK(r.last_restarted_at == 1'700'000'005'000);
  CHECK(r.restart_policy_enabled);
  REQUIRE(r.restart_exits.size() == 2);
  CHECK(r.restart_exits[1].exit_code == 137);
  CHECK(r.restart_exits[1].finished_at == 1'700'000'004'900);
  CHECK_FALSE(back->containers[0].restart_policy_enabled);
  CHECK_FALSE(back->containers[0].last_restarted_at.has_value());
  CHECK(task_to_record(*back) == record);
}

TEST_CASE("task record: a container's pinned digest is kept in the record, never on the wire", "[model]") {
  Task t = task_with_containers();
  t.containers[1].pinned_digest = "sha256:" + std::string(64, 'd');
  const Json record = task_to_record(t);
  CHECK_FALSE(record["containers"][0].contains("pinnedDigest"));  // unpinned: the record as before
  CHECK(record["containers"][1]["pinnedDigest"] == t.containers[1].pinned_digest);
  auto back = task_from_record(record);
  REQUIRE(back.has_value());
  CHECK(back->containers[1].pinned_digest == t.containers[1].pinned_digest);
  CHECK(back->containers[0].pinned_digest.empty());
  const Json wire = task_to_json(*back, berth::ArnScope{"local", "000000000000"}, nullptr);
  CHECK(wire.dump().find("sha256:" + std::string(64, 'd')) == std::string::npos);
}

TEST_CASE("task record: malformed restart exits are skipped, never thrown on", "[model]") {
  Json record = task_to_record(task_with_containers());
  record["containers"][1]["restartExits"] =
      Json::parse(R"([{"exitCode":3,"finishedAt":5}, {"exitCode":"3"}, 7, {"finishedAt":1}, {"exitCode":4}])");
  auto back = task_from_record(record);
  REQUIRE(back.has_value());
  const auto& exits = back->containers[1].restart_exits;
  REQUIRE(exits.size() == 2);
  CHECK(exits[0].exit_code == 3);
  CHECK(exits[0].finished_at == 5);
  CHECK(exits[1].exit_code == 4);
  CHECK(exits[1].finished_at == 0);
}

TEST_CASE("task wire: restartCount for a container with an enabled restart policy, lastRestartedAt once restarted",
          "[model]") {
  Task t = task_with_containers();
  const berth::ArnScope arns{"local", "000000000000"};
  t.containers[1].restart_policy_enabled = true;
  Json wire = task_to_json(t, arns, nullptr);
  CHECK_FALSE(wire["containers"][0].contains("restartCount"));  // no policy: ECS's shape as before
  CHECK(wire["containers"][1]["restartCount"] == 0);
  CHECK_FALSE(wire["containers"][1].contains("lastRestartedAt"));

  t.containers[1].restarts = 3;
  t.containers[1].last_restarted_at = 1'700'000'005'250;
  t.containers[1].restart_exits = {{3, 1'700'000'005'000}};
  wire = task_to_json(t, arns, nullptr);
  CHECK(wire["containers"][1]["restartCount"] == 3);
  CHECK(wire["containers"][1]["lastRestartedAt"] == 1'700'000'005.25);
  CHECK_FALSE(wire["containers"][1].contains("restartExits"));  // kept in the store only
}

TEST_CASE("task record and wire: a container's gpuIds, absent for one without GPUs; a non-string id is corrupt",
          "[model]") {
  Task t = task_with_containers();
  t.containers[1].gpu_ids = {"0", "3"};
  const Json record = task_to_record(t);
  CHECK_FALSE(record["containers"][0].contains("gpuIds"));
  CHECK(record["containers"][1]["gpuIds"] == Json::parse(R"(["0","3"])"));
  auto back = task_from_record(record);
  REQUIRE(back.has_value());
  CHECK(back->containers[1].gpu_ids == std::vector<std::string>{"0", "3"});
  CHECK(back->containers[0].gpu_ids.empty());
  const Json wire = task_to_json(*back, berth::ArnScope{"local", "000000000000"}, nullptr);
  CHECK_FALSE(wire["containers"][0].contains("gpuIds"));
  CHECK(wire["containers"][1]["gpuIds"] == Json::parse(R"(["0","3"])"));

  Json corrupt = record;
  corrupt["containers"][1]["gpuIds"] = Json::parse(R"(["0", 3])");
  const auto refused = task_from_record(corrupt);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message == "corrupt task record: gpuIds");
}

TEST_CASE("reservation_of: each container's GPUs, a containerOverride's list replacing its own", "[model]") {
  const Json td = Json::parse(R"({"containerDefinitions":[
      {"name":"a","resourceRequirements":[{"type":"GPU","value":"1"}]},{"name":"b"}]})");
  CHECK(reservation_of(td, Json::object()).container_gpus == std::vector<std::pair<std::string, int>>{{"a", 1}});
  const Json overrides = Json::parse(R"({"containerOverrides":[{"name":"b","resourceRequirements":[{"type":"GPU","value":"2"}]}]})");
  CHECK(reservation_of(td, overrides).container_gpus == std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}});
}

}  // namespace task_test
