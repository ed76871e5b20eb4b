#include "model/task_protection_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"
#include "model/request_shapes.hpp"
#include "model/task_protection.hpp"

namespace task_protection_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;

namespace {

const ArnScope k_arns{"local", "000000000000"};

Json update(const std::string& json) { return shape_checked(request_shapes::update_task_protection, Json::parse(json)); }
Json get(const std::string& json) { return shape_checked(request_shapes::get_task_protection, Json::parse(json)); }

}  // namespace

TEST_CASE("UpdateTaskProtection decoder: the default expiry and the task list's limits", "[model][protection]") {
  auto plain = decode_update_task_protection(update(R"({"cluster":"edge","tasks":["0f"],"protectionEnabled":true})"));
  REQUIRE(plain.has_value());
  CHECK(plain->cluster == "edge");
  CHECK(plain->tasks == std::vector<std::string>{"0f"});
  CHECK(plain->protection_enabled);
  CHECK(plain->expires_in_minutes == 120);

  auto off = decode_update_task_protection(
      update(R"({"cluster":"edge","tasks":["a","b"],"protectionEnabled":false,"expiresInMinutes":2880})"));
  REQUIRE(off.has_value());
  CHECK_FALSE(off->protection_enabled);
  CHECK(off->expires_in_minutes == 2880);

  check_error(decode_update_task_protection(update(R"({"cluster":"edge","tasks":[],"protectionEnabled":true})")),
              Code::invalid_parameter, "UpdateTaskProtection takes 1 to 10 tasks; 0 were given.");
  Json eleven = update(R"({"cluster":"edge","tasks":[],"protectionEnabled":true})");
  for (int i = 0; i < 11; ++i) eleven["tasks"].push_back(std::to_string(i));
  check_error(decode_update_task_protection(eleven), Code::invalid_parameter,
              "UpdateTaskProtection takes 1 to 10 tasks; 11 were given.");
}

TEST_CASE("UpdateTaskProtection shape: expiresInMinutes from 1 minute to 48 hours", "[model][protection]") {
  for (int minutes : {0, -5, 2881}) {
    Json body = Json::parse(R"({"cluster":"c","tasks":["0f"],"protectionEnabled":true})");
    body["expiresInMinutes"] = minutes;
    check_error(check_shape(body, request_shapes::update_task_protection), Code::invalid_parameter,
                "'expiresInMinutes' must be between 1 and 2880, got " + std::to_string(minutes));
  }
  Json no_flag = Json::parse(R"({"cluster":"c","tasks":["0f"]})");
  check_error(check_shape(no_flag, request_shapes::update_task_protection), Code::invalid_parameter,
              "Missing required parameter 'protectionEnabled'");
}

TEST_CASE("GetTaskProtection decoder: tasks are optional, at most 100", "[model][protection]") {
  auto all = decode_get_task_protection(get(R"({"cluster":"edge"})"));
  REQUIRE(all.has_value());
  CHECK_FALSE(all->tasks.has_value());
  auto none = decode_get_task_protection(get(R"({"cluster":"edge","tasks":[]})"));
  REQUIRE(none.has_value());
  CHECK(none->tasks == std::vector<std::string>{});
  Json many = get(R"({"cluster":"edge","tasks":[]})");
  for (int i = 0; i < 101; ++i) many["tasks"].push_back(std::to_string(i));
  check_error(decode_get_task_protection(many), Code::invalid_parameter,
              "GetTaskProtection takes at most 100 tasks; 101 were given.");
}

TEST_CASE("task protection: what holds at a time, who may take it, and the reply's wire form", "[model][protection]") {
  CHECK_FALSE(protection_holds(std::nullopt, 10));
  CHECK(protection_holds(11, 10));
  CHECK_FALSE(protection_holds(10, 10));  // lapsed at its expiration

  TaskProtection task{"0f", "service:web", false, 5000};
  CHECK(task.enabled_at(4999));
  CHECK_FALSE(task.enabled_at(5000));
  CHECK_FALSE(protection_refusal(task));
  CHECK(protected_task_of(task, 1000).expiration == EpochMs{5000});
  CHECK_FALSE(protected_task_of(task, 5000).expiration.has_value());

  TaskProtection standalone{"0e", "family:job", false, std::nullopt};
  REQUIRE(protection_refusal(standalone));
  CHECK(protection_refusal(standalone)->reason == "TASK_NOT_VALID");
  TaskProtection stopped{"0d", "service:web", true, 5000};
  CHECK_FALSE(stopped.enabled_at(1000));  // a stopped task is protected from nothing
  REQUIRE(protection_refusal(stopped));
  CHECK(protection_refusal(stopped)->detail == "The task is stopped or stopping.");

  TaskProtectionReply reply{"edge", {protected_task_of(task, 1000), protected_task_of(task, 6000)},
                            {{"arn:aws:ecs:local:000000000000:task/edge/9", "TASK_NOT_FOUND", "gone"}}};
  CHECK(encode_task_protection_reply(reply, k_arns) == Json::parse(R"({
      "protectedTasks":[
        {"taskArn":"arn:aws:ecs:local:000000000000:task/edge/0f","protectionEnabled":true,"expirationDate":5.0},
        {"taskArn":"arn:aws:ecs:local:000000000000:task/edge/0f","protectionEnabled":false}],
      "failures":[{"arn":"arn:aws:ecs:local:000000000000:task/edge/9","reason":"TASK_NOT_FOUND","detail":"gone"}]})"));
}

}  // namespace task_protection_requests_test
