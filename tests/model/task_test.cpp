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
