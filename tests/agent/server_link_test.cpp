// The joined agent's link to the serving gateway with a fake server: joining and registering
// again, reports of what the agent recorded, and a node cut off from its server.
#include <catch2/catch.hpp>

#include "runtime/shim/log_cursor_reader.hpp"
#include <sys/stat.h>

#include <algorithm>
#include <mutex>

#include "agent/desired_state_mirror.hpp"
#include "agent/joined_registrar.hpp"
#include "agent/served_secrets.hpp"
#include "agent/server_link.hpp"
#include "agent/state_reporter.hpp"
#include "fake_control_plane.hpp"
#include "joined_link_fixture.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/shim/log_cursor_reader.hpp"

namespace server_link_test {

using namespace berth;
using berth::testing::FakeControlPlane;
using berth::testing::Link;
using berth::testing::TempDir;
using berth::testing::node;
using model::TaskStatus;

TEST_CASE("joined registrar: the first start spends the token and keeps the key in a 0600 file; a restart registers "
          "again with it",
          "[agent][joined]") {
  Link link;
  REQUIRE(link.server.joins == std::vector<std::string>{"bjt-good"});
  CHECK(link.server.nodes[0].attributes.at("ecs.availability-zone") == "line-3");
  struct stat st {};
  REQUIRE(::stat((link.tmp.path + "/join.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto kept = agent::load_joined_identity(link.tmp.path + "/join.json");
  REQUIRE(kept.has_value());
  REQUIRE(kept->has_value());
  CHECK((*kept)->access_key_id == "AKIAJOINED");
  CHECK((*kept)->token_sha256 == model::join_token_hash("bjt-good"));

  // A restart: no token needed, the same instance registered again, no second join.
  agent::JoinedRegistrar again(link.server, "", link.tmp.path + "/join.json");
  CHECK(again.register_node(node()).value_or("") == link.server.instance_id);
  CHECK(link.server.joins.size() == 1);
  CHECK(link.server.registrations == std::vector<std::string>{link.server.instance_id});
}

TEST_CASE("joined registrar: a restart without the server goes on as the same instance and registers once it answers",
          "[agent][joined]") {
  Link link;
  link.server.reachable = false;
  agent::JoinedRegistrar again(link.server, "", link.tmp.path + "/join.json");
  CHECK(again.register_node(node()).value_or("") == link.server.instance_id);
  CHECK_FALSE(again.register_again());
  link.server.reachable = true;
  CHECK(again.register_again());
  CHECK(again.register_again());  // once registered, no further call
  CHECK(link.server.registrations.size() == 3);  // at start, refused for want of an answer, then taken
}

TEST_CASE("joined registrar: without a kept key a token is needed; a refused token or key is an error", "[agent][joined]") {
  TempDir tmp;
  FakeControlPlane server;
  agent::JoinedRegistrar no_token(server, "", tmp.path + "/join.json");
  auto refused = no_token.register_node(node());
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("--join-token") != std::string::npos);
  agent::JoinedRegistrar bad_token(server, "bjt-spent", tmp.path + "/join.json");
  REQUIRE_FALSE(bad_token.register_node(node()).has_value());
  CHECK_FALSE(agent::load_joined_identity(tmp.path + "/join.json").value_or(std::nullopt).has_value());
  // A key the server no longer knows (`berth key rm`), and no new token: refused, file kept.
  REQUIRE_OK(agent::save_joined_identity(tmp.path + "/join.json",
                                         {"edge", "arn", server.instance_id, "AKIAREMOVED", "s", "local", "x"}));
  agent::JoinedRegistrar removed(server, "", tmp.path + "/join.json");
  auto cut_off = removed.register_node(node());
  REQUIRE_FALSE(cut_off.has_value());
  CHECK(cut_off.error().message.find("new join token") != std::string::npos);
  // With a new token it joins anew.
  agent::JoinedRegistrar rejoined(server, "bjt-good", tmp.path + "/join.json");
  CHECK(rejoined.register_node(node()).value_or("") == server.instance_id);
  CHECK(agent::load_joined_identity(tmp.path + "/join.json").value_or(std::nullopt)->access_key_id == "AKIAJOINED");
}

TEST_CASE("reporter: each change the agent records is told once, a task's with SubmitTaskStateChange, a container's "
          "alone with SubmitContainerStateChange",
          "[agent][joined]") {
  Link link;
  link.placed("t1");
  agent::StateReporter reporter(*link.store, link.server, link.clock);
  const auto identity = link.registrar->identity();
  auto first = reporter.report(identity);
  REQUIRE_OK(first);
  CHECK(first->task_reports == 1);  // PENDING: told once
  CHECK(reporter.report(identity)->task_reports == 0);

  link.record("t1", TaskStatus::running);
  REQUIRE(reporter.report(identity)->task_reports == 1);
  const auto& running = link.server.task_reports.back();
  CHECK(running.task == "t1");
  CHECK(running.cluster == std::optional<std::string>("edge"));
  CHECK(running.change.status == TaskStatus::running);
  REQUIRE(running.change.containers.size() == 1);
  CHECK(running.change.containers[0].runtime_id == std::optional<std::string>("t1-webapp"));

  // A container's change under the same task status: the container alone.
  auto t = link.stored("t1");
  t.containers[0].image_digest = "sha256:abc";
  REQUIRE(link.store->replace_task(t, t.version).value_or(false));
  const auto container_only = reporter.report(identity);
  CHECK(container_only->task_reports == 0);
  CHECK(container_only->container_reports == 1);
  CHECK(link.server.container_reports.back().change.image_digest == std::optional<std::string>("sha256:abc"));
}

TEST_CASE("reporter: a node cut off reports what ran and exited meanwhile once the server answers", "[agent][joined]") {
  Link link;
  link.placed("t1");
  agent::StateReporter reporter(*link.store, link.server, link.clock);
  const auto identity = link.registrar->identity();
  link.record("t1", TaskStatus::running);
  REQUIRE(reporter.report(identity)->task_reports == 1);

  link.server.reachable = false;
  link.record("t1", TaskStatus::stopped, 3);  // exited while the server was away
  const auto away = reporter.report(identity);
  CHECK(away->unanswered);
  CHECK(away->task_reports == 0);

  link.server.reachable = true;
  const auto back = reporter.report(identity);
  CHECK_FALSE(back->unanswered);
  REQUIRE(back->task_reports == 1);
  const auto& stopped = link.server.task_reports.back();
  CHECK(stopped.change.status == TaskStatus::stopped);
  CHECK(stopped.change.containers[0].exit_code == std::optional<int>(3));

  // Told, and stopped more than an hour ago: dropped from the node's store.
  link.clock.advance_ms(agent::k_keep_reported_stopped_ms + 1000);
  REQUIRE_OK(reporter.report(identity));
  auto gone = link.store->find_task("edge", "t1");
  REQUIRE(gone.has_value());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("reporter: a report the server refuses is not sent again", "[agent][joined]") {
  Link link;
  link.placed("t1");
  link.server.refused_tasks = {"t1"};
  agent::StateReporter reporter(*link.store, link.server, link.clock);
  const auto identity = link.registrar->identity();
  CHECK(reporter.report(identity)->refused == 1);
  CHECK(reporter.report(identity)->refused == 0);
}

TEST_CASE("link: a poll mirrors the server's desired state and wakes the agent; an unanswered one changes nothing",
          "[agent][joined]") {
  Link link;
  link.placed("old");  // ran here before the node was cut off
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [&] { ++link.wakes; });

  link.server.reachable = false;
  CHECK_FALSE(server_link.poll_once());
  CHECK(link.stored("old").desired_status == TaskStatus::running);  // keeps running without the server
  CHECK(link.wakes == 0);

  // The server is back: it replaced "old" elsewhere meanwhile and placed "new" here.
  link.server.reachable = true;
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "cursor-1";
  auto fresh = link.stored("old");
  fresh.id = "new";
  fresh.version = 1;
  link.server.desired.tasks = {fresh};
  REQUIRE(server_link.poll_once());
  CHECK(link.wakes == 1);
  CHECK(link.stored("old").desired_status == TaskStatus::stopped);
  CHECK(link.stored("old").stopped_reason == agent::k_fenced_reason);
  CHECK(link.stored("new").desired_status == TaskStatus::running);
  // The next poll carries the reply's cursor, and the same state wakes nobody.
  REQUIRE(server_link.poll_once());
  CHECK(link.server.cursors.back() == std::optional<std::string>("cursor-1"));
  CHECK(link.wakes == 1);
}

TEST_CASE("link: the log requests a poll lists are answered with the newest lines that fit", "[agent][joined]") {
  Link link;
  std::vector<std::string> read;
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [] {},
                                {.read_logs = [&](const std::string& runtime_id) {
                                  read.push_back(runtime_id);
                                  model::Json lines = model::Json::array();
                                  // More than an answer may carry: only the newest go.
                                  for (int i = 0; i < 2000; ++i) {
                                    lines.push_back({{"time", "t"}, {"stream", "stdout"}, {"text", std::to_string(i) + std::string(500, 'x')}});
                                  }
                                  return lines;
                                }});
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c";
  link.server.desired.log_requests = {{"r1", {"t1-webapp"}, std::nullopt, 0}};
  REQUIRE(server_link.poll_once());
  CHECK(read == std::vector<std::string>{"t1-webapp"});
  REQUIRE(link.server.log_answers.size() == 1);
  const auto& answer = link.server.log_answers[0];
  CHECK(answer.request_id == "r1");
  CHECK(answer.container_instance == link.registrar->identity().instance_arn);
  const auto& lines = answer.logs.at("t1-webapp");
  REQUIRE(lines.size() > 100);
  CHECK(lines.size() < 2000);
  CHECK(lines.back()["text"].get<std::string>().starts_with("1999"));
  std::size_t bytes = 0;
  for (const auto& line : lines) bytes += line["text"].get<std::string>().size();
  CHECK(bytes <= model::k_max_submitted_log_bytes);
}

TEST_CASE("link: log requests with cursors are read from them, the containers sharing the bound", "[agent][joined]") {
  Link link;
  std::vector<std::pair<std::string, std::optional<model::LogCursor>>> read;
  agent::ServerLink server_link(
      *link.store, link.server, *link.registrar, link.clock, [] {},
      {.read_logs_after = [&](const std::string& runtime_id, const std::optional<model::LogCursor>& from, std::size_t max_bytes) {
        read.emplace_back(runtime_id, from);
        // One line of 100 bytes of text per read, the cursor past it; more follow while the
        // bound had room for another.
        model::LogChunk chunk;
        chunk.lines.push_back({{"time", "t"}, {"stream", "stdout"}, {"text", std::string(100, 'x')}});
        chunk.next = {from ? from->file : 1, (from ? from->offset : 0) + 100};
        chunk.more = max_bytes < 1000;
        return chunk;
      }});
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c";
  // Room for the first container's line only (100 bytes of text and the line's overhead).
  link.server.desired.log_requests = {
      {"r1", {"t1-a", "t1-b"}, std::map<std::string, model::LogCursor>{{"t1-a", {3, 500}}}, 100 + runtime::k_log_line_overhead}};
  REQUIRE(server_link.poll_once());
  REQUIRE(read.size() == 1);
  CHECK(read[0].first == "t1-a");
  CHECK(read[0].second == std::optional(model::LogCursor{3, 500}));
  REQUIRE(link.server.log_answers.size() == 1);
  const auto& answer = link.server.log_answers[0];
  CHECK(answer.logs.at("t1-a").size() == 1);
  CHECK(answer.cursors.at("t1-a") == model::LogCursor{3, 600});
  // The bound left nothing for t1-b: no lines, its cursor where it was (none: the start), more.
  CHECK(answer.logs.at("t1-b").empty());
  CHECK(answer.cursors.at("t1-b") == model::LogCursor{});
  CHECK(answer.more == std::set<std::string>{"t1-a", "t1-b"});
}

TEST_CASE("link: a node that started without its server is registered again by the first poll it answers",
          "[agent][joined]") {
  Link link;
  link.server.reachable = false;
  agent::JoinedRegistrar restarted(link.server, "", link.tmp.path + "/join.json");
  REQUIRE(restarted.register_node(node()).value_or("") == link.server.instance_id);
  agent::ServerLink server_link(*link.store, link.server, restarted, link.clock, [] {});
  const auto before = link.server.registrations.size();
  CHECK_FALSE(server_link.poll_once());
  CHECK(link.server.registrations.size() == before);  // no answer to the poll: no registration tried
  link.server.reachable = true;
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  REQUIRE(server_link.poll_once());
  CHECK(link.server.registrations.size() == before + 1);
  REQUIRE(server_link.poll_once());
  CHECK(link.server.registrations.size() == before + 1);  // registered: later polls register nothing
}

TEST_CASE("link: an exception in a poll is contained: the poll counts as unanswered and the next one works",
          "[agent][joined]") {
  Link link;
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [&] { ++link.wakes; });
  link.server.throw_on_poll = true;
  bool answered = true;
  CHECK_NOTHROW(answered = server_link.poll_once());
  CHECK_FALSE(answered);
  link.server.throw_on_poll = false;
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "after";
  CHECK(server_link.poll_once());
  REQUIRE(server_link.poll_once());
  CHECK(link.server.cursors.back() == std::optional<std::string>("after"));
}

TEST_CASE("link: the commands a poll lists run on the command workers and their results or refusals go back",
          "[agent][joined]") {
  Link link;
  std::vector<std::string> ran;  // written by the one worker at a time the test lets run, read after stop()
  std::mutex ran_mutex;
  agent::NodeAnswers answers{
      .run_command = [&](const std::string& runtime_id, const std::vector<std::string>& argv) -> Result<model::ExecOutcome> {
        {
          std::lock_guard lock(ran_mutex);
          ran.push_back(runtime_id + ":" + argv[0]);
        }
        if (runtime_id == "gone-main") return fail(Code::invalid_parameter, "The container is not running on this gateway.");
        return model::ExecOutcome{3, "hi\n", false, false};
      }};
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [] {}, answers);
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c";
  link.server.desired.exec_requests = {{"e1", "t1-main", {"echo", "hi"}}, {"e2", "gone-main", {"ls"}}};
  REQUIRE(server_link.poll_once());
  server_link.stop();  // runs what the workers took, then joins them
  CHECK(ran.size() == 2);
  auto sent = link.server.exec_answers_now();
  REQUIRE(sent.size() == 2);
  std::sort(sent.begin(), sent.end(), [](const auto& x, const auto& y) { return x.request_id < y.request_id; });
  REQUIRE(sent[0].outcome.has_value());
  CHECK(sent[0].outcome->exit_code == 3);
  CHECK(sent[0].outcome->output == "hi\n");
  CHECK(sent[0].container_instance == link.registrar->identity().instance_arn);
  REQUIRE(sent[1].refusal.has_value());
  CHECK(sent[1].refusal->code == Code::invalid_parameter);
}

TEST_CASE("link: a reply's secrets are held before its tasks are mirrored, and the next reply replaces them",
          "[agent][joined]") {
  Link link;
  agent::ServedSecrets secrets;
  const auto resolve = secrets.resolver();
  std::optional<std::string> seen_at_wake;
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock,
                                [&] { seen_at_wake = resolve("db-pass").value_or("missing"); }, {.secrets = &secrets});
  CHECK(resolve("db-pass").error().message.find("sent no value for db-pass") != std::string::npos);
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c1";
  auto task = link.placed("t1");
  task.id = "t2";
  link.server.desired.tasks = {task};
  link.server.desired.secrets = {{"db-pass", "s3cr3t", ""}, {"gone", std::nullopt, "unable to retrieve secrets from ssm: InvalidParameters: gone"}};
  REQUIRE(server_link.poll_once());
  CHECK(seen_at_wake == "s3cr3t");  // the agent, woken for the new task, finds the value
  CHECK(resolve("gone").error().message == "unable to retrieve secrets from ssm: InvalidParameters: gone");
  // The containers started: the server sends the values no more, and they leave memory.
  link.server.desired.secrets.clear();
  REQUIRE(server_link.poll_once());
  CHECK_FALSE(resolve("db-pass").has_value());
}

TEST_CASE("link: an \"unchanged\" reply keeps the node's tasks, secrets and cursor as they are", "[agent][joined]") {
  Link link;
  agent::ServedSecrets secrets;
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [&] { ++link.wakes; },
                                {.secrets = &secrets});
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c1";
  auto task = link.placed("t1");
  link.server.desired.tasks = {task};
  link.server.desired.secrets = {{"db-pass", "s3cr3t", ""}};
  REQUIRE(server_link.poll_once());
  // Nothing listed: taken as a complete reply, it would fence "t1" and drop the secret.
  model::PollInstanceTasksReply unchanged;
  unchanged.cluster = "edge";
  unchanged.instance_id = link.server.instance_id;
  unchanged.cursor = "c1";
  unchanged.unchanged = true;
  link.server.desired = unchanged;
  const int wakes = link.wakes;
  REQUIRE(server_link.poll_once());
  CHECK(link.wakes == wakes);
  CHECK(link.stored("t1").desired_status == TaskStatus::running);
  CHECK(secrets.resolve("db-pass").value_or("") == "s3cr3t");
  REQUIRE(server_link.poll_once());
  CHECK(link.server.cursors.back() == std::optional<std::string>("c1"));
}

TEST_CASE("link: the relayed sessions a poll lists go to the relay server once each, with the instance's identity",
          "[agent][joined][relay]") {
  Link link;
  std::vector<std::pair<std::string, model::RelayRequest>> served;  // called on the poll thread: this one
  agent::NodeAnswers answers{.serve_relay = [&](const agent::JoinedIdentity& identity, const model::RelayRequest& request) {
    served.emplace_back(identity.instance_id, request);
  }};
  agent::ServerLink server_link(*link.store, link.server, *link.registrar, link.clock, [] {}, answers);
  link.server.desired.cluster = "edge";
  link.server.desired.instance_id = link.server.instance_id;
  link.server.desired.cursor = "c";
  link.server.desired.relay_requests = {{"s1", model::RelayRequest::Kind::exec, "t1-main", {"cat"}, false, true},
                                        {"s2", model::RelayRequest::Kind::attach, "t1-main", {}, false, false}};
  REQUIRE(server_link.poll_once());
  REQUIRE(served.size() == 2);
  CHECK(served[0].first == link.registrar->identity().instance_id);
  CHECK(served[0].second.id == "s1");
  CHECK(served[0].second.argv == std::vector<std::string>{"cat"});
  CHECK(served[0].second.interactive);
  CHECK(served[1].second.kind == model::RelayRequest::Kind::attach);
}

}  // namespace server_link_test
