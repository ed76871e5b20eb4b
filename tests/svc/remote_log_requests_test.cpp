#include <catch2/catch.hpp>

#include <thread>

#include "model/instance_poll.hpp"
#include "model/remote_agent_codecs.hpp"
#include "svc/remote_log_requests.hpp"

using namespace berth;
using model::Json;

TEST_CASE("remote log requests: an ask is listed for its instance until answered, and the answer reaches the waiter",
          "[svc][joined]") {
  svc::RemoteLogRequests requests;
  const auto id = requests.ask("i1", {"t1-main"});
  REQUIRE(id.has_value());
  CHECK(requests.asked_of("i2").empty());
  REQUIRE(requests.asked_of("i1").size() == 1);
  CHECK(requests.asked_of("i1")[0].runtime_ids == std::vector<std::string>{"t1-main"});
  CHECK_FALSE(requests.answer("i2", *id, {}));  // another instance's answer is not taken
  std::thread agent([&] {
    CHECK(requests.answer("i1", *id, {{"t1-main", Json::array({{{"text", "hello"}}})}, {"t9-x", Json::array()}}));
  });
  const auto answer = requests.wait(*id, std::chrono::seconds(30));
  agent.join();
  REQUIRE(answer.has_value());
  CHECK(answer->size() == 1);  // only what was asked for
  CHECK(answer->at("t1-main")[0]["text"] == "hello");
  CHECK(requests.asked_of("i1").empty());
  CHECK_FALSE(requests.answer("i1", *id, {}));  // closed
}

TEST_CASE("remote log requests: a wait with no answer ends empty and closes the ask; asks are bounded", "[svc][joined]") {
  svc::RemoteLogRequests requests;
  const auto id = requests.ask("i1", {"t1-main"});
  CHECK_FALSE(requests.wait(*id, std::chrono::milliseconds(1)).has_value());
  CHECK(requests.asked_of("i1").empty());
  for (std::size_t i = 0; i < svc::RemoteLogRequests::k_max_open; ++i) CHECK(requests.ask("i1", {}).has_value());
  CHECK_FALSE(requests.ask("i1", {}).has_value());
}

TEST_CASE("remote log requests: the poll reply carries them to the agent", "[model][joined]") {
  model::PollInstanceTasksReply reply;
  reply.cluster = "edge";
  reply.instance_id = "i1";
  reply.log_requests = {{"r1", {"t1-main", "t1-side"}}};
  auto decoded = model::decode_poll_reply(model::encode_poll_instance_tasks(reply, {"local", "000000000000"}));
  REQUIRE(decoded.has_value());
  REQUIRE(decoded->log_requests.size() == 1);
  CHECK(decoded->log_requests[0].id == "r1");
  CHECK(decoded->log_requests[0].runtime_ids == std::vector<std::string>{"t1-main", "t1-side"});
  model::SubmitTaskLogsRequest answer{"edge", "i1", "r1", {{"t1-main", Json::array({{{"time", "x"}, {"stream", "stdout"}, {"text", "hi"}}})}}};
  auto back = model::decode_submit_task_logs(model::encode_submit_task_logs(answer));
  REQUIRE(back.has_value());
  CHECK(back->request_id == "r1");
  CHECK(back->logs.at("t1-main")[0]["text"] == "hi");
}
