#include <catch2/catch.hpp>

#include <thread>

#include "model/instance_poll.hpp"
#include "model/remote_agent_codecs.hpp"
#include "model/remote_secrets.hpp"
#include "svc/remote_log_requests.hpp"

namespace remote_log_requests_test {

using namespace berth;
using model::Json;

namespace {

model::LogRequest asking(std::vector<std::string> runtime_ids) { return {"", std::move(runtime_ids), std::nullopt, 0}; }

model::SubmitTaskLogsRequest answering(std::map<std::string, Json> logs) {
  return {"edge", "i1", "", std::move(logs), {}, {}};
}

}  // namespace

TEST_CASE("remote log requests: an ask is listed for its instance until answered, and the answer reaches the waiter",
          "[svc][joined]") {
  svc::RemoteLogRequests requests;
  const auto id = requests.ask("i1", asking({"t1-main"}));
  REQUIRE(id.has_value());
  CHECK(requests.asked_of("i2").empty());
  REQUIRE(requests.asked_of("i1").size() == 1);
  CHECK(requests.asked_of("i1")[0].runtime_ids == std::vector<std::string>{"t1-main"});
  CHECK(requests.asked_of("i1")[0].id == *id);
  CHECK_FALSE(requests.answer("i2", *id, answering({})));  // another instance's answer is not taken
  std::thread agent([&] {
    auto answer = answering({{"t1-main", Json::array({{{"text", "hello"}}})}, {"t9-x", Json::array()}});
    answer.cursors = {{"t1-main", {5, 60}}, {"t9-x", {1, 2}}};
    answer.more = {"t1-main", "t9-x"};
    CHECK(requests.answer("i1", *id, std::move(answer)));
  });
  const auto answer = requests.wait(*id, std::chrono::seconds(30));
  agent.join();
  REQUIRE(answer.has_value());
  // Only what was asked for.
  CHECK(answer->logs.size() == 1);
  CHECK(answer->logs.at("t1-main")[0]["text"] == "hello");
  CHECK(answer->cursors == std::map<std::string, model::LogCursor>{{"t1-main", {5, 60}}});
  CHECK(answer->more == std::set<std::string>{"t1-main"});
  CHECK(requests.asked_of("i1").empty());
  CHECK_FALSE(requests.answer("i1", *id, answering({})));  // closed
}

TEST_CASE("remote log requests: a wait with no answer ends empty and closes the ask; asks are bounded", "[svc][joined]") {
  svc::RemoteLogRequests requests;
  const auto id = requests.ask("i1", asking({"t1-main"}));
  CHECK_FALSE(requests.wait(*id, std::chrono::milliseconds(1)).has_value());
  CHECK(requests.asked_of("i1").empty());
  for (std::size_t i = 0; i < svc::RemoteLogRequests::k_max_open; ++i) CHECK(requests.ask("i1", asking({})).has_value());
  CHECK_FALSE(requests.ask("i1", asking({})).has_value());
}

TEST_CASE("remote log requests: cursors and their bound go to the agent, and its cursors come back", "[model][joined]") {
  model::PollInstanceTasksReply reply;
  reply.cluster = "edge";
  reply.instance_id = "i1";
  reply.log_requests = {{"r1", {"t1-main", "t1-side"}, std::map<std::string, model::LogCursor>{{"t1-main", {9, 1000}}}, 4096},
                        {"r2", {"t1-main"}, std::nullopt, 0}};
  auto decoded = model::decode_poll_reply(model::encode_poll_instance_tasks(reply, {"local", "000000000000"}));
  REQUIRE(decoded.has_value());
  REQUIRE(decoded->log_requests.size() == 2);
  REQUIRE(decoded->log_requests[0].cursors.has_value());
  CHECK(*decoded->log_requests[0].cursors == std::map<std::string, model::LogCursor>{{"t1-main", {9, 1000}}});
  CHECK(decoded->log_requests[0].max_bytes == 4096);
  CHECK_FALSE(decoded->log_requests[1].cursors.has_value());  // the newest lines, as before cursors
  // A bound past what an answer may carry is cut to it; a cursor that is not FILE.OFFSET is malformed.
  Json big = model::log_requests_to_json(reply.log_requests);
  big[0]["maxBytes"] = 1ULL << 40;
  CHECK(model::log_requests_from_json(big)->at(0).max_bytes == model::k_max_submitted_log_bytes);
  big[0]["cursors"]["t1-main"] = "9";
  CHECK_FALSE(model::log_requests_from_json(big).has_value());

  model::SubmitTaskLogsRequest answer{"edge", "i1", "r1", {{"t1-main", Json::array()}}, {{"t1-main", {9, 2000}}}, {"t1-main"}};
  const auto body = model::encode_submit_task_logs(answer);
  auto back = model::decode_submit_task_logs(body);
  REQUIRE(back.has_value());
  CHECK(back->cursors == answer.cursors);
  CHECK(back->more == answer.more);
  Json bad = body;
  bad["cursors"]["t1-main"] = "nine.2000";
  CHECK_FALSE(model::decode_submit_task_logs(bad).has_value());
}

TEST_CASE("remote log requests: the poll reply carries them to the agent", "[model][joined]") {
  model::PollInstanceTasksReply reply;
  reply.cluster = "edge";
  reply.instance_id = "i1";
  reply.log_requests = {{"r1", {"t1-main", "t1-side"}, std::nullopt, 0}};
  auto decoded = model::decode_poll_reply(model::encode_poll_instance_tasks(reply, {"local", "000000000000"}));
  REQUIRE(decoded.has_value());
  REQUIRE(decoded->log_requests.size() == 1);
  CHECK(decoded->log_requests[0].id == "r1");
  CHECK(decoded->log_requests[0].runtime_ids == std::vector<std::string>{"t1-main", "t1-side"});
  model::SubmitTaskLogsRequest answer{"edge", "i1", "r1", {{"t1-main", Json::array({{{"time", "x"}, {"stream", "stdout"}, {"text", "hi"}}})}}, {}, {}};
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

}  // namespace remote_log_requests_test
