// The operator verbs' connection over TCP against a server that checks SigV4 as berth does:
// signed POSTs and GETs with a query pass, and each way a request fails reads as one sentence
// saying what to do.
#include "cli/api_connection.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "api/auth/sigv4.hpp"
#include "api/http_server.hpp"
#include "common/clock.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace api_connection_test {

using namespace berth;

namespace {

constexpr const char* k_key_id = "AKIAOPERATOR";
constexpr const char* k_secret = "right-secret";

// A plain-http server on loopback that answers what it verified: 200 with the method, path and
// the signing name, or the auth error as berth's API sends it (400 and __type).
struct CheckingServer {
  std::unique_ptr<api::HttpServer> server;

  CheckingServer() {
    api::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.socket_path = "";
    auto started = api::HttpServer::start(
        [](const api::HttpRequest& request, const api::HttpPeer&) {
          std::vector<api::auth::HeaderField> headers;
          for (const auto& h : request.headers) headers.emplace_back(h.name, h.value);
          const std::string_view target = request.target;
          const auto question = target.find('?');
          const api::auth::ReceivedRequest received{
              request.method, target.substr(0, question),
              question == std::string_view::npos ? std::string_view() : target.substr(question + 1), headers, request.body};
          const api::auth::SigningScope scope{"local", {"ecs", "berth", "scheduler"}};
          const auto verified = api::auth::verify_sigv4(received, SystemClock().now_ms(), scope, [](std::string_view id) {
            return id == k_key_id ? std::optional<std::string>(k_secret) : std::nullopt;
          });
          api::HttpResponse response;
          if (!verified) {
            response.status = 400;
            response.body = model::Json{{"__type", verified.error().exception_name()}, {"message", verified.error().message}}.dump();
          } else if (request.header("x-amz-target").ends_with(".DeleteEverything")) {
            response.status = 400;
            response.body = model::Json{{"__type", "AccessDeniedException"},
                                        {"message", "User: ops is not authorized to perform: ecs:DeleteEverything"}}.dump();
          } else {
            response.body = model::Json{{"method", request.method}, {"target", request.target}, {"service", verified->service}}.dump();
          }
          return response;
        },
        options);
    REQUIRE(started.has_value());
    server = std::move(*started);
  }
  ~CheckingServer() { server->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->tcp_port()); }
};

}  // namespace

TEST_CASE("api connection: signed POSTs and GETs with a query pass berth's verification", "[cli]") {
  CheckingServer server;
  const cli::ApiConnection connection(server.url(), {}, {k_key_id, k_secret, "local"});
  auto posted = connection.post("AmazonEC2ContainerServiceV20141113.ListTasks", {{"cluster", "default"}});
  REQUIRE_OK(posted);
  CHECK((*posted)["service"] == "ecs");
  // The query is part of what is signed: percent-encoded, empty values and all.
  const std::string path = "/v1/tasks/abc/logs?since=0&container=&cluster=my%20cluster";
  auto got = connection.get(path, "berth");
  REQUIRE_OK(got);
  CHECK((*got)["method"] == "GET");
  CHECK((*got)["target"] == path);
  CHECK((*got)["service"] == "berth");
}

TEST_CASE("api connection: a refused request says why and what to do", "[cli]") {
  CheckingServer server;
  const auto error_of = [&](const cli::ApiConnection& connection, const std::string& action) {
    auto reply = connection.post("AmazonEC2ContainerServiceV20141113." + action, model::Json::object());
    REQUIRE_FALSE(reply.has_value());
    return reply.error();
  };
  const auto wrong_secret = error_of(cli::ApiConnection(server.url(), {}, {k_key_id, "wrong", "local"}), "ListTasks");
  CHECK(wrong_secret.code == Code::client);
  CHECK(wrong_secret.message.find("the secret access key is not the one of key AKIAOPERATOR") != std::string::npos);
  const auto unknown = error_of(cli::ApiConnection(server.url(), {}, {"AKIANOBODY", k_secret, "local"}), "ListTasks");
  CHECK(unknown.message.find("the gateway has no key AKIANOBODY") != std::string::npos);
  const auto region = error_of(cli::ApiConnection(server.url(), {}, {k_key_id, k_secret, "eu-west-1"}), "ListTasks");
  CHECK(region.message.find("--region") != std::string::npos);
  const auto denied = error_of(cli::ApiConnection(server.url(), {}, {k_key_id, k_secret, "local"}), "DeleteEverything");
  CHECK(denied.message.find("not authorized to perform: ecs:DeleteEverything; the policy of key AKIAOPERATOR") !=
        std::string::npos);
  // Nothing listens on port 1; the URL is said once, with what to check.
  const auto refused = error_of(cli::ApiConnection("http://127.0.0.1:1", {}, {k_key_id, k_secret, "local"}), "ListTasks");
  CHECK(refused.message.starts_with("cannot reach berth at http://127.0.0.1:1 ("));
  CHECK(refused.message.find("berth info") != std::string::npos);
  // A plain-http server asked for TLS.
  const std::string https = "https" + server.url().substr(4);
  const auto no_tls = error_of(cli::ApiConnection(https, {}, {k_key_id, k_secret, "local"}), "ListTasks");
  CHECK(no_tls.message.find("does not speak TLS") != std::string::npos);
}

TEST_CASE("api connection: the flags choose the socket or a checked endpoint with a key", "[cli]") {
  Config config;
  config.socket_path = "/run/x.sock";
  const auto environment = [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "AWS_ACCESS_KEY_ID") return "AKIAENV";
    if (std::string_view(name) == "AWS_SECRET_ACCESS_KEY") return "s";
    return std::nullopt;
  };
  cli::ParsedArgs args;
  auto local = cli::connection_of(args, config, environment);
  REQUIRE(local.has_value());
  CHECK_FALSE(local->remote());
  CHECK(local->address() == "/run/x.sock");

  args.flags["endpoint"] = "https://gw.local:51678/";
  auto remote = cli::connection_of(args, config, environment);
  REQUIRE(remote.has_value());
  CHECK(remote->remote());
  CHECK(remote->address() == "https://gw.local:51678");

  // Plain http only to loopback: a key's requests in the clear beyond it are refused.
  args.flags["endpoint"] = "http://10.0.0.1:51678";
  auto plain = cli::connection_of(args, config, environment);
  REQUIRE_FALSE(plain.has_value());
  CHECK(plain.error().code == Code::invalid_parameter);
  CHECK(plain.error().message.starts_with("--endpoint must be"));

  args.flags["endpoint"] = "https://gw.local:51678";
  args.flags["fingerprint"] = "abc";
  CHECK(cli::connection_of(args, config, environment).error().message.starts_with("--fingerprint must be"));

  args.flags.erase("endpoint");
  CHECK(cli::connection_of(args, config, environment).error().code == Code::invalid_parameter);

  args.flags.erase("fingerprint");
  args.flags["endpoint"] = "https://gw.local:51678";
  const auto nobody = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto no_key = cli::connection_of(args, config, nobody);
  REQUIRE_FALSE(no_key.has_value());
  CHECK(no_key.error().code == Code::client);
  CHECK(no_key.error().message.find("AWS_ACCESS_KEY_ID") != std::string::npos);

  args.flags.erase("endpoint");
  args.flags["profile"] = "edge";
  CHECK(cli::connection_of(args, config, environment).error().message.find("--profile go with --endpoint") !=
        std::string::npos);
}

TEST_CASE("api connection: the region signed for is --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's, berth's", "[cli]") {
  berth::testing::TempDir dir;
  std::ofstream(dir.path + "/config") << "[profile edge]\nregion = profile-region\n"
                                        "aws_access_key_id = AKIAEDGE\naws_secret_access_key = e\n";
  Config config;
  config.region = "local";
  std::map<std::string, std::string> values{{"AWS_CONFIG_FILE", dir.path + "/config"}, {"HOME", dir.path},
                                            {"AWS_REGION", "env-region"}, {"AWS_DEFAULT_REGION", "default-region"}};
  const auto environment = [&values](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional(it->second);
  };
  cli::ParsedArgs args;
  args.flags["endpoint"] = "https://gw.local:51678";
  args.flags["profile"] = "edge";
  const auto region = [&] {
    auto connection = cli::connection_of(args, config, environment);
    REQUIRE(connection.has_value());
    CHECK(connection->signing_key().access_key_id == "AKIAEDGE");
    return connection->signing_key().region;
  };
  CHECK(region() == "env-region");
  values.erase("AWS_REGION");
  CHECK(region() == "default-region");
  values.erase("AWS_DEFAULT_REGION");
  CHECK(region() == "profile-region");
  // --region (already in `config`, as load_config puts it) wins over all.
  args.flags["region"] = "flag-region";
  config.region = "flag-region";
  values["AWS_REGION"] = "env-region";
  CHECK(region() == "flag-region");
  // A profile without a region: berth's configured one.
  args.flags.erase("region");
  values.erase("AWS_REGION");
  config.region = "local";
  std::ofstream(dir.path + "/config") << "[profile edge]\naws_access_key_id = AKIAEDGE\naws_secret_access_key = e\n";
  CHECK(region() == "local");
}

}  // namespace api_connection_test
