// FailoverControlPlane over fake servers: calls stay on the server that answered last, move on in
// order when it does not answer, return a refusal as it is, and name every server when none answers.
#include "cli/failover_control_plane.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

#include "agent/fake_control_plane.hpp"

namespace failover_control_plane_test {

using namespace berth;
using berth::testing::FakeControlPlane;

namespace {

struct ThreeServers {
  FakeControlPlane* servers[3] = {};
  std::unique_ptr<cli::FailoverControlPlane> plane;

  ThreeServers() {
    std::vector<cli::ControlPlaneServer> list;
    for (int i = 0; i < 3; ++i) {
      auto fake = std::make_unique<FakeControlPlane>();
      servers[i] = fake.get();
      list.push_back({{"https://10.0.0." + std::to_string(i + 1) + ":51678", {}}, std::move(fake)});
    }
    plane = std::make_unique<cli::FailoverControlPlane>(std::move(list));
  }
};

const agent::JoinedIdentity k_identity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i", "i",
                                       "AKIAJOINED", "secret", "local", ""};

}  // namespace

TEST_CASE("failover control plane: calls stay on the first server while it answers", "[cli][joined]") {
  ThreeServers s;
  Cancellation cancel;
  REQUIRE(s.plane->poll(k_identity, std::nullopt, 5, cancel).has_value());
  REQUIRE(s.plane->poll(k_identity, std::string("c1"), 5, cancel).has_value());
  CHECK(s.servers[0]->cursors.size() == 2);
  CHECK(s.servers[1]->cursors.empty());
  CHECK(s.plane->current().url == "https://10.0.0.1:51678");
}

TEST_CASE("failover control plane: an unanswered call goes to the next server, which is used from then on",
          "[cli][joined]") {
  ThreeServers s;
  Cancellation cancel;
  s.servers[0]->reachable = false;
  s.servers[1]->reachable = false;
  REQUIRE(s.plane->poll(k_identity, std::string("c1"), 5, cancel).has_value());
  CHECK(s.servers[0]->cursors.size() == 1);
  CHECK(s.servers[1]->cursors.size() == 1);
  CHECK(s.servers[2]->cursors.size() == 1);
  CHECK(s.plane->current().url == "https://10.0.0.3:51678");
  // The first server is back, but the third answers: calls stay there.
  s.servers[0]->reachable = true;
  REQUIRE(s.plane->submit_task_state_change(k_identity, {}).has_value());
  CHECK(s.servers[2]->task_reports.size() == 1);
  CHECK(s.servers[0]->task_reports.empty());
  // The third goes: the search wraps around to the first.
  s.servers[2]->reachable = false;
  REQUIRE(s.plane->register_again(k_identity, {}).has_value());
  CHECK(s.plane->current().url == "https://10.0.0.1:51678");
  CHECK(s.servers[0]->registrations.size() == 1);
  CHECK(s.servers[1]->registrations.empty());  // not tried: the first after the third answered
}

TEST_CASE("failover control plane: a refusal is an answer, returned without trying the others", "[cli][joined]") {
  ThreeServers s;
  Cancellation cancel;
  const auto joined = s.plane->join("bjt-wrong", {});
  REQUIRE_FALSE(joined.has_value());
  CHECK(joined.error().code == Code::client);
  CHECK(s.servers[0]->joins.size() == 1);
  CHECK(s.servers[1]->joins.empty());
  CHECK(s.plane->current().url == "https://10.0.0.1:51678");
}

TEST_CASE("failover control plane: when no server answers, the error is unanswered and names them all", "[cli][joined]") {
  ThreeServers s;
  Cancellation cancel;
  for (auto* server : s.servers) server->reachable = false;
  const auto polled = s.plane->poll(k_identity, std::nullopt, 5, cancel);
  REQUIRE_FALSE(polled.has_value());
  CHECK(agent::unanswered(polled.error()));
  CHECK(polled.error().message ==
        "no server of the control plane answered (https://10.0.0.1:51678, https://10.0.0.2:51678, "
        "https://10.0.0.3:51678); the last: cannot connect: Connection refused");
  for (auto* server : s.servers) CHECK(server->cursors.size() == 1);  // each tried once
  CHECK(s.plane->current().url == "https://10.0.0.1:51678");
}

TEST_CASE("failover control plane: one server is that server, its error unchanged", "[cli][joined]") {
  auto fake = std::make_unique<FakeControlPlane>();
  auto* server = fake.get();
  std::vector<cli::ControlPlaneServer> list;
  list.push_back({{"https://10.0.0.1:51678", {}}, std::move(fake)});
  cli::FailoverControlPlane plane(std::move(list));
  Cancellation cancel;
  server->reachable = false;
  const auto polled = plane.poll(k_identity, std::nullopt, 5, cancel);
  REQUIRE_FALSE(polled.has_value());
  CHECK(polled.error().message == "cannot connect: Connection refused");
}

namespace {

// A server whose poll was cancelled (the agent stopping): the error the HTTP client gives then.
class CancelledServer final : public agent::ControlPlane {
 public:
  int polls = 0;
  Result<agent::JoinedIdentity> join(const std::string&, const model::NodeRegistration&) override { return k_identity; }
  Result<void> register_again(const agent::JoinedIdentity&, const model::NodeRegistration&) override { return {}; }
  Result<model::PollInstanceTasksReply> poll(const agent::JoinedIdentity&, const std::optional<std::string>&, int,
                                             Cancellation&) override {
    ++polls;
    return fail(Code::server, "cancelled", ECANCELED);
  }
  Result<void> submit_task_state_change(const agent::JoinedIdentity&, const model::SubmitTaskStateChangeRequest&) override {
    return {};
  }
  Result<void> submit_container_state_change(const agent::JoinedIdentity&,
                                             const model::SubmitContainerStateChangeRequest&) override {
    return {};
  }
  Result<void> submit_task_logs(const agent::JoinedIdentity&, const model::SubmitTaskLogsRequest&) override { return {}; }
  Result<void> submit_exec_result(const agent::JoinedIdentity&, const model::SubmitExecResultRequest&) override { return {}; }
};

}  // namespace

TEST_CASE("failover control plane: a cancelled poll is returned as it is, no other server tried", "[cli][joined]") {
  auto cancelled = std::make_unique<CancelledServer>();
  auto* first = cancelled.get();
  auto other = std::make_unique<FakeControlPlane>();
  auto* second = other.get();
  std::vector<cli::ControlPlaneServer> list;
  list.push_back({{"https://10.0.0.1:51678", {}}, std::move(cancelled)});
  list.push_back({{"https://10.0.0.2:51678", {}}, std::move(other)});
  cli::FailoverControlPlane plane(std::move(list));
  Cancellation cancel;
  const auto polled = plane.poll(k_identity, std::nullopt, 20, cancel);
  REQUIRE_FALSE(polled.has_value());
  CHECK(polled.error().sys_errno == ECANCELED);
  CHECK(polled.error().message == "cancelled");
  CHECK(first->polls == 1);
  CHECK(second->cursors.empty());
  CHECK(plane.current().url == "https://10.0.0.1:51678");
}

}  // namespace failover_control_plane_test
