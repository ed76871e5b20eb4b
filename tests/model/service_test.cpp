#include "model/service.hpp"

#include <catch2/catch.hpp>

using namespace berth::model;

TEST_CASE("service events: newest first and bounded", "[model]") {
  Service s;
  for (int i = 0; i < 150; ++i) add_event(s, "event " + std::to_string(i), i, "id" + std::to_string(i));
  REQUIRE(s.events.size() == k_max_service_events);
  CHECK(s.events.front().message == "event 149");
  CHECK(s.events.back().message == "event 50");
}

TEST_CASE("service records round-trip", "[model]") {
  Service s;
  s.cluster = "c";
  s.name = "web";
  s.desired_count = 3;
  s.maximum_percent = 150;
  s.deployments.push_back({.id = "ecs-svc/1", .family = "web", .revision = 2, .desired_count = 3});
  add_event(s, "hello", 5, "e1");
  auto back = service_from_record(service_to_record(s));
  REQUIRE(back.has_value());
  CHECK(service_to_record(*back) == service_to_record(s));
}
