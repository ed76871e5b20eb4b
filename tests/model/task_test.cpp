#include "model/task.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

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
