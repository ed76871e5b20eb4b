// The joined agent's client of the serving gateway's API, without a server: what a call sends
// must be encodable whatever bytes a container printed.
#include "cli/control_plane_client.hpp"

#include <catch2/catch.hpp>

#include "api/http_server.hpp"
#include "api/tls/tls_certificate.hpp"
#include "api/tls/tls_server.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace control_plane_client_test {

using namespace berth;

TEST_CASE("control plane client: logs that are not UTF-8 are sent, not thrown on", "[cli][joined]") {
  berth::testing::FakeClock clock;
  // Port 1 on the loopback: nothing listens, so the call ends unanswered once its body is encoded.
  cli::ControlPlaneClient client("http://127.0.0.1:1", {}, clock);
  const agent::JoinedIdentity identity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i", "i",
                                       "AKIAJOINED", "secret", "local", ""};
  model::SubmitTaskLogsRequest answer{"edge", identity.instance_arn, "r1", {}, {}, {}};
  answer.logs["t1-main"] = model::Json::array({{{"time", "t"}, {"stream", "stdout"}, {"text", "caf\xe9 \xff\xfe"}}});
  const auto sent = client.submit_task_logs(identity, answer);
  REQUIRE_FALSE(sent.has_value());
  CHECK(agent::unanswered(sent.error()));
}

namespace {

// A TLS server (a generated certificate, as a gateway's) that answers every request with
// `reply_bytes` of a poll reply (padded with a member the agent does not read), and a client of
// it that trusts that certificate.
struct PaddedPollServer {
  berth::testing::TempDir dir;
  berth::testing::FakeClock clock;
  std::unique_ptr<api::HttpServer> server;
  std::unique_ptr<cli::ControlPlaneClient> client;

  explicit PaddedPollServer(std::size_t reply_bytes) {
    model::Json reply{{"containerInstanceArn", "arn:aws:ecs:local:000000000000:container-instance/edge/i"},
                      {"cursor", "c"},
                      {"tasks", model::Json::array()},
                      {"taskDefinitions", model::Json::array()},
                      {"padding", ""}};
    const std::size_t bare = reply.dump().size();
    reply["padding"] = std::string(reply_bytes > bare ? reply_bytes - bare : 0, 'x');
    REQUIRE(api::tls::ensure_self_signed(dir.path, {"gateway", {"gateway"}, {"127.0.0.1"}}));
    const auto paths = api::tls::generated_paths(dir.path);
    auto tls = api::tls::TlsServerConfig::load(paths);
    REQUIRE(tls.has_value());
    api::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.socket_path = "";
    options.tls = *tls;
    auto started = api::HttpServer::start(
        [body = reply.dump()](const api::HttpRequest&, const api::HttpPeer&) {
          api::HttpResponse response;
          response.body = body;
          return response;
        },
        options);
    REQUIRE(started.has_value());
    server = std::move(*started);
    client = std::make_unique<cli::ControlPlaneClient>("https://127.0.0.1:" + std::to_string(server->tcp_port()),
                                                       cli::server_trust("", paths.certificate), clock);
  }
  ~PaddedPollServer() { server->stop(); }
};

}  // namespace

TEST_CASE("control plane client: a poll reply beyond the HTTP client's 1 MiB default is read whole; one beyond the "
          "client's bound is an error that says so",
          "[cli][joined]") {
  const agent::JoinedIdentity identity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i", "i",
                                       "AKIAJOINED", "secret", "local", ""};
  Cancellation never;
  {
    // 1000 tasks (the most a poll lists) and their definitions come to more than 1 MiB.
    PaddedPollServer big(3 << 20);
    const auto polled = big.client->poll(identity, std::nullopt, 0, never);
    REQUIRE_OK(polled);
    CHECK(polled->cursor == "c");
  }
  {
    PaddedPollServer too_big(cli::k_max_server_reply_bytes + 1);
    const auto polled = too_big.client->poll(identity, std::nullopt, 0, never);
    REQUIRE_FALSE(polled.has_value());
    CHECK(polled.error().message.find("larger than") != std::string::npos);
  }
}

}  // namespace control_plane_client_test
