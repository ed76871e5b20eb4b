// The joined agent's poll against a real socket: stopping the link ends the poll under way at
// once, whatever wait it asked for (the server never answers here), and the poll asks for the
// wait the server's join reply gave. The link's client is the real one (cli/control_plane_client
// over HTTP); joining goes through the fake.
#include <catch2/catch.hpp>

#include <future>

#include "agent/joined_registrar.hpp"
#include "agent/server_link.hpp"
#include "cli/control_plane_client.hpp"
#include "common/files.hpp"
#include "fixtures/silent_server.hpp"
#include "fixtures/stderr_capture.hpp"
#include "joined_link_fixture.hpp"

namespace server_link_cancel_test {

using namespace berth;
using berth::testing::Link;
using berth::testing::SilentServer;
using berth::testing::TempDir;

namespace {

// Whether the silent server has a whole poll request (its head and its JSON body).
bool poll_arrived(const SilentServer& s) {
  return s.received.find("PollInstanceTasks") != std::string::npos && s.received.find("\r\n\r\n{") != std::string::npos &&
         s.received.back() == '}';
}

}  // namespace

TEST_CASE("link: stopping ends the poll under way at once, quietly, its connection closed; the poll asks the "
          "server's longest wait",
          "[agent][joined]") {
  const auto [server_wait, asked] = GENERATE(std::pair{45, 45}, std::pair{300, 60}, std::pair{0, 20});
  Link joined(server_wait);
  SilentServer silent;
  cli::ControlPlaneClient server("http://127.0.0.1:" + std::to_string(silent.port()), runtime::HttpOptions{},
                                 joined.clock);
  berth::testing::StderrCapture captured;
  agent::ServerLink link(*joined.store, server, *joined.registrar, joined.clock, [] {});
  link.start();
  REQUIRE(silent.wait(poll_arrived));
  CHECK(silent.look([](const SilentServer& s) { return s.received; })
            .find("\"waitSeconds\":" + std::to_string(asked) + "}") != std::string::npos);
  // The poll would wait `asked` s and its connection that plus 30: only the cancel ends it within
  // the hang guard.
  auto stopped = std::async(std::launch::async, [&] { link.stop(); });
  REQUIRE(stopped.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  REQUIRE(silent.wait([](const SilentServer& s) { return s.closed_by_client == 1; }));
  CHECK(silent.look([](const SilentServer& s) { return s.accepted; }) == 1);  // no poll after the stop
  // A cancelled poll is no unanswered server.
  CHECK(captured.count("does not answer") == 0);
}

TEST_CASE("joined identity: the server's poll wait is kept in join.json; a file without it, or with a value berth "
          "did not write, leaves it not known",
          "[agent][joined]") {
  TempDir tmp;
  const std::string path = tmp.path + "/join.json";
  agent::JoinedIdentity identity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i", "i", "AKIAJOINED",
                                 "secret", "local", "hash", 20};
  REQUIRE_OK(agent::save_joined_identity(path, identity));
  auto loaded = agent::load_joined_identity(path);
  REQUIRE_OK(loaded);
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->poll_wait_seconds == 20);
  CHECK((*loaded)->secret_access_key == "secret");

  for (const std::string member : {"", R"(, "pollWaitSeconds": 100000)", R"(, "pollWaitSeconds": "20")"}) {
    REQUIRE_OK(write_file_atomic(path,
                                 R"({"cluster": "edge", "instanceArn": "a", "instanceId": "i", "accessKeyId": "k",
                                     "secretAccessKey": "s", "region": "local", "tokenSha256": "h")" +
                                     member + "}",
                                 0600));
    auto old = agent::load_joined_identity(path);
    REQUIRE_OK(old);
    REQUIRE(old->has_value());
    CHECK((*old)->poll_wait_seconds == 0);
  }
}

}  // namespace server_link_cancel_test
