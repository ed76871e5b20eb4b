#include "model/service.hpp"

#include <catch2/catch.hpp>

namespace service_test {

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

TEST_CASE("service status: stored and shown by its wire name", "[model]") {
  Service s;
  s.cluster = "c";
  s.name = "web";
  CHECK(s.status == ServiceStatus::active);
  s.status = ServiceStatus::draining;
  const Json record = service_to_record(s);
  CHECK(record["status"] == "DRAINING");
  auto back = service_from_record(record);
  REQUIRE(back.has_value());
  CHECK(back->status == ServiceStatus::draining);
  CHECK(service_to_json(s, berth::ArnScope{"local", "000000000000"}, nullptr)["status"] == "DRAINING");

  Json legacy = record;
  legacy.erase("status");
  CHECK(service_from_record(legacy)->status == ServiceStatus::active);  // as before: no status reads as ACTIVE
  Json corrupt = record;
  corrupt["status"] = "draining";
  auto refused = service_from_record(corrupt);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == berth::Code::server);
}

}  // namespace service_test
