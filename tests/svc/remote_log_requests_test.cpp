#include <catch2/catch.hpp>

#include <thread>

#include "model/instance_poll.hpp"
#include "model/remote_agent_codecs.hpp"
#include "model/remote_secrets.hpp"
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

TEST_CASE("agent asks listed once: a poll takes each once; a wait ends at the pickup bound when no poll took it, "
          "else at the total bound", "[svc][joined]") {
  svc::AgentAsks<std::string, int> asks(2, svc::Listing::once);
  const auto id = asks.ask("i1", "echo");
  REQUIRE(id.has_value());
  CHECK(asks.asked_of("i2").empty());
  REQUIRE(asks.asked_of("i1").size() == 1);
  CHECK(asks.asked_of("i1").empty());  // taken: not listed again while it runs
  std::thread agent([&] { CHECK(asks.answer("i1", *id, 7, [](const std::string&, int&) {})); });
  // Taken, so the total bound applies, not the (zero) pickup bound.
  const auto answer = asks.wait(*id, std::chrono::milliseconds(0), std::chrono::seconds(30));
  agent.join();
  CHECK(answer == 7);

  // Not taken: the wait ends at the pickup bound, however long the total, and closes the ask.
  const auto untaken = asks.ask("i1", "ls");
  CHECK_FALSE(asks.wait(*untaken, std::chrono::milliseconds(1), std::chrono::hours(1)).has_value());
  CHECK(asks.asked_of("i1").empty());
  // Bounded: max_open asks, then none.
  CHECK(asks.ask("i1", "a").has_value());
  CHECK(asks.ask("i1", "b").has_value());
  CHECK_FALSE(asks.ask("i1", "c").has_value());
}

TEST_CASE("remote commands and secrets: the poll reply and the agent's answer carry them", "[model][joined]") {
  model::PollInstanceTasksReply reply;
  reply.cluster = "edge";
  reply.instance_id = "i1";
  reply.exec_requests = {{"e1", "t1-main", {"sh", "-c", "echo hi"}}};
  reply.secrets = {{"db-pass", "s3cr3t", ""}, {"gone", std::nullopt, "unable to retrieve secrets from ssm: InvalidParameters: gone"}};
  auto decoded = model::decode_poll_reply(model::encode_poll_instance_tasks(reply, {"local", "000000000000"}));
  REQUIRE(decoded.has_value());
  REQUIRE(decoded->exec_requests.size() == 1);
  CHECK(decoded->exec_requests[0].id == "e1");
  CHECK(decoded->exec_requests[0].runtime_id == "t1-main");
  CHECK(decoded->exec_requests[0].argv == std::vector<std::string>{"sh", "-c", "echo hi"});
  REQUIRE(decoded->secrets.size() == 2);
  CHECK(decoded->secrets[0].value == "s3cr3t");
  CHECK_FALSE(decoded->secrets[1].value.has_value());
  CHECK(decoded->secrets[1].error.ends_with("gone"));

  model::SubmitExecResultRequest ran{"edge", "i1", "e1", model::ExecOutcome{3, "hi\n", false, true}, std::nullopt};
  auto back = model::decode_submit_exec_result(model::encode_submit_exec_result(ran));
  REQUIRE(back.has_value());
  REQUIRE(back->outcome.has_value());
  CHECK(back->outcome->exit_code == 3);
  CHECK(back->outcome->output == "hi\n");
  CHECK(back->outcome->timed_out);
  model::SubmitExecResultRequest refused{"edge", "i1", "e1", std::nullopt, Error{Code::limit_exceeded, "busy"}};
  back = model::decode_submit_exec_result(model::encode_submit_exec_result(refused));
  REQUIRE(back.has_value());
  REQUIRE(back->refusal.has_value());
  CHECK(back->refusal->code == Code::limit_exceeded);
  CHECK(back->refusal->message == "busy");
  // Neither: refused.
  CHECK_FALSE(model::decode_submit_exec_result(Json{{"containerInstance", "i1"}, {"requestId", "e1"}}).has_value());
}

TEST_CASE("secret references of a task definition: secrets, registry login and environment files in secrets, once each",
          "[model][joined]") {
  const Json td = Json::parse(R"({"containerDefinitions":[
      {"name":"a","secrets":[{"name":"X","valueFrom":"db-pass"},{"name":"Y","valueFrom":"db-pass"}],
       "repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:local:000000000000:secret:reg"}},
      {"name":"b","environmentFiles":[{"type":"s3","value":"/etc/app/plain.env"},
                                      {"type":"s3","value":"arn:aws:ssm:local:000000000000:parameter/app.env"}]}]})");
  CHECK(model::secret_references_of(td) ==
        std::vector<std::string>{"db-pass", "arn:aws:secretsmanager:local:000000000000:secret:reg",
                                 "arn:aws:ssm:local:000000000000:parameter/app.env"});
}
