// Interactive sessions relayed to a joined gateway, through the use cases with real sockets
// (socketpairs for the user's and the agent's connections) and a FakeClock: `berth exec -i` and
// `berth attach` for a task there open one session each, listed once in that instance's poll;
// only that instance's agent connects for it, and its connection is spliced with the user's; an
// agent that never connects ends the session at the deadline, telling the user; at most
// max_relay_sessions are open at once.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "fixtures/remote_fixture.hpp"
#include "svc/execute_command.hpp"
#include "svc/remote_exec.hpp"

namespace relayed_sessions_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Joined;
using berth::testing::Json;
using berth::testing::RemoteFixture;

namespace {

// Only refuse() is used by relayed sessions: it writes its message, as the real one frames it.
struct RefusingCommands : svc::ContainerCommands {
  Result<svc::CommandResult> run(const std::string&, const std::vector<std::string>&) override {
    return fail(Code::server, "not used");
  }
  Result<svc::SessionHandoff> open_session(const std::string&, const model::ExecSessionRequest&) override {
    return fail(Code::server, "not used");
  }
  svc::SessionHandoff replay(svc::CommandResult) override { return [](int socket, std::string) { ::close(socket); }; }
  svc::SessionHandoff refuse(std::string message) override {
    return [message](int socket, std::string) {
      (void)write_all(socket, message);
      ::close(socket);
    };
  }
};

struct Pair {
  int fds[2] = {-1, -1};
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
};

std::string read_some(int fd, std::size_t size) {
  std::string out;
  char buffer[256];
  while (out.size() < size) {
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size - out.size()));
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

struct RelayFixture : RemoteFixture {
  RefusingCommands commands;
  Joined a, b;
  std::string task_id;

  explicit RelayFixture(svc::RemoteAgentSettings settings = {}) : RemoteFixture(settings) {
    ctx->commands = &commands;
    a = join("zone-a");
    b = join("zone-b");
    auto started = ecs_call(*ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {a.arn}}});
    REQUIRE_OK(started);
    const std::string arn = (*started)["tasks"][0]["taskArn"];
    task_id = arn.substr(arn.rfind('/') + 1);
    REQUIRE_OK(report(a, arn));
    poll(a);  // its first poll: the tasks as they are
  }

  model::ExecSessionRequest exec(bool tty, bool interactive) const {
    return {std::nullopt, task_id, std::nullopt, {"cat"}, tty, interactive};
  }
  // The agent of `instance_arn` connecting back (the route checked its key against that instance).
  Result<svc::SessionHandoff> connect(const std::string& instance_arn, const std::string& session) {
    return svc::connect_relay_session(*ctx, model::ConnectRelayRequest{std::nullopt, instance_arn, session});
  }
};

}  // namespace

TEST_CASE("relayed exec: listed once in its instance's poll; only that agent connects, once; the two connections "
          "are spliced until one ends",
          "[svc][joined][relay]") {
  RelayFixture f;
  auto handoff = svc::open_exec_session(*f.ctx, f.exec(false, true));
  REQUIRE_OK(handoff);
  CHECK_FALSE(f.poll(f.b).contains("relayRequests"));
  const Json listed = f.poll(f.a);
  REQUIRE(listed["relayRequests"].size() == 1);
  const Json request = listed["relayRequests"][0];
  CHECK(request["kind"] == "exec");
  CHECK(request["runtimeId"] == f.task_id + "-main");
  CHECK(request["command"] == Json::array({"cat"}));
  CHECK(request["interactive"] == true);
  CHECK(request["tty"] == false);
  CHECK_FALSE(f.poll(f.a).contains("relayRequests"));  // once
  const std::string session = request["sessionId"];

  Pair user, agent;
  (*handoff)(user.fds[0], "early ");  // the user's connection: its splice waits for the agent
  // Another instance's agent, or an unknown session, is refused before any 101.
  CHECK(f.connect(f.b.arn, session).error().code == Code::invalid_parameter);
  CHECK(f.connect(f.a.arn, "nosuchsession").error().code == Code::invalid_parameter);
  auto agent_side = f.connect(f.a.arn, session);
  REQUIRE_OK(agent_side);
  (*agent_side)(agent.fds[0], "");
  CHECK(f.connect(f.a.arn, session).error().code == Code::invalid_parameter);  // connected already

  CHECK(read_some(agent.fds[1], 6) == "early ");  // what the user sent before the session began
  REQUIRE(write_all(user.fds[1], "hi\n") == 0);
  CHECK(read_some(agent.fds[1], 3) == "hi\n");
  REQUIRE(write_all(agent.fds[1], "HI\n") == 0);
  CHECK(read_some(user.fds[1], 3) == "HI\n");
  ::close(agent.fds[1]);  // the agent's session ended
  CHECK(read_some(user.fds[1], 1).empty());  // ... and so the user's
  while (f.agents.relay_sessions()->open_count() != 0) std::this_thread::yield();
  ::close(user.fds[1]);
}

TEST_CASE("relayed sessions: an agent that never connects ends the session at the deadline, telling the user; at most "
          "max_relay_sessions are open",
          "[svc][joined][relay]") {
  svc::RemoteAgentSettings settings;
  settings.max_relay_sessions = 2;
  RelayFixture f(settings);
  auto first = svc::open_exec_session(*f.ctx, f.exec(true, true));
  REQUIRE_OK(first);
  model::ExecSessionRequest attach{std::nullopt, f.task_id, std::string("main"), {}, false, false, true};
  auto second = svc::open_exec_session(*f.ctx, attach);
  REQUIRE_OK(second);
  auto third = svc::open_exec_session(*f.ctx, f.exec(false, true));
  REQUIRE_FALSE(third.has_value());
  CHECK(third.error().code == Code::limit_exceeded);
  const Json listed = f.poll(f.a);
  REQUIRE(listed["relayRequests"].size() == 2);
  for (const Json& request : listed["relayRequests"]) {
    if (request["kind"] == "attach") CHECK_FALSE(request.contains("command"));
  }

  Pair user;
  (*first)(user.fds[0], "");
  f.clock.advance_ms(std::chrono::milliseconds(settings.relay_connect_deadline).count());
  f.agents.relay_sessions()->recheck_now();
  std::string told;
  char buffer[256];
  for (ssize_t n; (n = ::read(user.fds[1], buffer, sizeof buffer)) > 0;) told.append(buffer, static_cast<std::size_t>(n));
  CHECK(told.find("did not connect for the session within 15 s") != std::string::npos);
  CHECK(told.find(f.a.id) != std::string::npos);
  ::close(user.fds[1]);
  // Past the deadline the agent is refused, and both places are free again (the attach nobody
  // took the connection of included).
  const std::string session = listed["relayRequests"][0]["sessionId"];
  CHECK(f.connect(f.a.arn, session).error().code == Code::invalid_parameter);
  REQUIRE_OK(svc::open_exec_session(*f.ctx, f.exec(false, true)));
  REQUIRE_OK(svc::open_exec_session(*f.ctx, f.exec(false, true)));
}

}  // namespace relayed_sessions_test
