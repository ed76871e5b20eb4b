#include "api/http_routes.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "fixtures/http_messages.hpp"

namespace http_routes_test {

TEST_CASE("http target: path and query are decoded", "[api][http]") {
  using berth::api::parse_target;
  const auto target = parse_target("/v1/tasks/arn%3Aaws%2Ftask/logs?since=3&container=a+b&cluster=c%26d&flag");
  CHECK(target.path == "/v1/tasks/arn:aws/task/logs");
  CHECK(target.query.at("since") == "3");
  CHECK(target.query.at("container") == "a b");
  CHECK(target.query.at("cluster") == "c&d");
  CHECK(target.query.at("flag").empty());
  CHECK(parse_target("http://host:1/schedules?x=%zz").path == "/schedules");
  CHECK(parse_target("http://host:1/schedules?x=%zz").query.at("x") == "%zz");
  CHECK(parse_target("/a+b").path == "/a+b");
}

TEST_CASE("http target: query_values keeps every repeated parameter in order", "[api][http]") {
  const auto target = berth::api::parse_target("/tags/x?TagKeys=a&other=1&TagKeys=b%20c&TagKeys=");
  CHECK(target.query.at("TagKeys") == "a");
  CHECK(berth::api::query_values(target, "TagKeys") == std::vector<std::string>{"a", "b c", ""});
  CHECK(berth::api::query_values(target, "other") == std::vector<std::string>{"1"});
  CHECK(berth::api::query_values(target, "none").empty());
}

namespace {

using berth::testing::http_request;
using berth::testing::header_of;

// Routes with authentication: a root caller on the unix socket unless a test says otherwise.
struct RoutesFixture : berth::testing::ServiceFixture {
  berth::api::auth::KeyRing keys{*ctx};
  berth::api::RequestAuth auth{keys, clock, {berth::api::TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"}};
  berth::api::ApiServices api{*ctx, auth};
  berth::api::HttpPeer root_on_socket{berth::api::HttpPeer::Transport::unix_socket, "", false,
                                      berth::api::PeerCredentials{1, 0, 0, {}}};

  berth::api::HttpResponse route(const berth::api::HttpRequest& request) {
    return berth::api::route_request(api, request, root_on_socket);
  }
};

}  // namespace

TEST_CASE_METHOD(RoutesFixture, "http routes: ECS on any POST path, Scheduler, logs, errors", "[api][http]") {
  const berth::api::HttpHeader target{"x-amz-target", "AmazonEC2ContainerServiceV20141113.ListClusters"};
  for (const char* path : {"/", "/any/path", "/schedules/x"}) {
    INFO(path);
    const auto ecs = route(http_request("POST", path, {target}, "{}"));
    CHECK(ecs.status == 200);
    CHECK(ecs.body.find("cluster/") != std::string::npos);
    CHECK_FALSE(header_of(ecs, "x-amzn-RequestId").empty());
  }
  const auto list = route(http_request("GET", "/schedules?MaxResults=5"));
  CHECK(list.status == 200);
  CHECK(list.content_type == "application/json");
  CHECK(route(http_request("GET", "/schedules/ghost")).status == 404);
  const auto not_found = route(http_request("GET", "/"));
  CHECK(not_found.status == 404);
  CHECK(not_found.body.find("UnknownOperationException") != std::string::npos);
  CHECK(header_of(not_found, "x-amzn-ErrorType") == "UnknownOperationException");
  CHECK(route(http_request("PATCH", "/")).status == 405);
  const auto bad_since = route(http_request("GET", "/v1/tasks/abc/logs?since=x"));
  CHECK(bad_since.status == 400);
  CHECK(bad_since.body.find("InvalidParameterException") != std::string::npos);
}

TEST_CASE_METHOD(RoutesFixture, "http routes: schedule groups, Scheduler tags, unknown Scheduler routes", "[api][http]") {
  const auto created = route(http_request("POST", "/schedule-groups/ops", {}, R"({"Tags":[{"Key":"a","Value":"1"}]})"));
  CHECK(created.status == 200);
  CHECK(created.body.find("schedule-group/ops") != std::string::npos);
  CHECK(route(http_request("GET", "/schedule-groups/ops")).status == 200);
  CHECK(route(http_request("GET", "/schedule-groups")).body.find(R"("Name":"ops")") != std::string::npos);
  const std::string tags = "/tags/arn%3Aaws%3Ascheduler%3Alocal%3A000000000000%3Aschedule-group%2Fops";
  CHECK(route(http_request("POST", tags, {}, R"({"Tags":[{"Key":"b","Value":"2"}]})")).status == 200);
  CHECK(route(http_request("DELETE", tags + "?TagKeys=a&TagKeys=b")).status == 200);
  CHECK(route(http_request("GET", tags)).body == R"({"Tags":[]})");
  CHECK(route(http_request("DELETE", "/schedule-groups/ops")).status == 200);
  CHECK(route(http_request("GET", "/schedule-groups/ops")).status == 404);
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/schedules/a/b"}, {"PUT", "/schedule-groups/x"}, {"GET", "/tags"}, {"PATCH", "/schedules"}}) {
    INFO(method << " " << path);
    const auto unknown = route(http_request(method, path));
    CHECK(unknown.status == 404);
    CHECK(header_of(unknown, "x-amzn-ErrorType") == "ResourceNotFoundException");
    CHECK(unknown.body == R"({"Message":"No Scheduler operation is )" + method + " " + path + R"(."})");
  }
}

TEST_CASE_METHOD(RoutesFixture, "http routes: Scheduler's quota is a 402 ServiceQuotaExceededException", "[api][http]") {
  for (std::size_t i = 1; i < berth::model::k_max_schedule_groups; ++i) {
    REQUIRE(store->create_schedule_group({"g" + std::to_string(i), 0, 0}, {}).has_value());
  }
  const auto refused = route(http_request("POST", "/schedule-groups/one-more", {}, "{}"));
  CHECK(refused.status == 402);
  CHECK(header_of(refused, "x-amzn-ErrorType") == "ServiceQuotaExceededException");
  CHECK(refused.body.find("500 schedule groups") != std::string::npos);
}

TEST_CASE_METHOD(RoutesFixture, "http routes: a use case learns its caller; PutAccountSetting sets the caller's own",
                 "[api][http]") {
  const auto put = [&](const std::string& action, const std::string& body) {
    return route(http_request("POST", "/", {{"x-amz-target", "AmazonEC2ContainerServiceV20141113." + action}}, body));
  };
  const auto own = put("PutAccountSetting", R"({"name":"containerInsights","value":"enhanced"})");
  REQUIRE(own.status == 200);
  // Root on the socket is the user uid-0.
  CHECK(berth::testing::Json::parse(own.body)["setting"]["principalArn"] == "arn:aws:iam::000000000000:user/uid-0");
  const auto listed = put("ListAccountSettings", "{}");
  CHECK(berth::testing::Json::parse(listed.body)["settings"].size() == 1);
  // The account default is untouched: a new cluster still gets ECS's.
  const auto cluster = put("CreateCluster", R"({"clusterName":"fresh"})");
  CHECK(berth::testing::Json::parse(cluster.body)["cluster"]["settings"] ==
        berth::testing::Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
  const auto root = put("PutAccountSettingDefault", R"({"name":"containerInsights","value":"enhanced"})");
  CHECK(berth::testing::Json::parse(root.body)["setting"]["principalArn"] == "arn:aws:iam::000000000000:root");
  CHECK(ctx->caller_arn.empty());  // the shared Context never names a caller
}

TEST_CASE_METHOD(RoutesFixture, "http routes: exec sessions on the unix socket or TLS, checked before the 101", "[api][http]") {
  const berth::api::HttpHeader upgrade{"upgrade", "berth-exec"};
  const std::string body = R"({"task":"0f","command":["sh"]})";
  // No runner (no agent) in this fixture: a valid request gets as far as the use case.
  const auto no_agent = route(http_request("POST", "/v1/exec", {upgrade}, body));
  CHECK(no_agent.status == 500);
  CHECK(no_agent.body.find("runs no agent") != std::string::npos);
  CHECK_FALSE(no_agent.takeover);
  const auto no_upgrade = route(http_request("POST", "/v1/exec", {}, body));
  CHECK(no_upgrade.status == 400);
  CHECK(no_upgrade.body.find("berth exec") != std::string::npos);
  const auto bad_body = route(http_request("POST", "/v1/exec", {upgrade}, R"({"task":"0f","command":"sh"})"));
  CHECK(bad_body.status == 400);
  const auto empty = route(http_request("POST", "/v1/exec", {upgrade}, R"({"task":"0f","command":[]})"));
  CHECK(empty.body.find("command is empty.") != std::string::npos);
  // A caller outside the socket's group is refused before anything runs.
  const berth::api::HttpPeer stranger{berth::api::HttpPeer::Transport::unix_socket, "", false,
                                      berth::api::PeerCredentials{1, 4242, 4242, {}}};
  const auto refused = berth::api::route_request(api, http_request("POST", "/v1/exec", {upgrade}, body), stranger);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("AccessDeniedException") != std::string::npos);
  // Over the network a session needs TLS: plain TCP is refused before anything runs, TLS gets to
  // the use case (authentication off here, so that no signature is needed to get that far).
  berth::api::RequestAuth open_auth{keys, clock, {berth::api::TcpAuth::off, "/nonexistent/berth.sock", "local", "000000000000"}};
  berth::api::ApiServices open_api{*ctx, open_auth};
  const berth::api::HttpPeer plain{berth::api::HttpPeer::Transport::tcp, "127.0.0.1", true, std::nullopt};
  const auto in_clear = berth::api::route_request(open_api, http_request("POST", "/v1/exec", {upgrade}, body), plain);
  CHECK(in_clear.status == 400);
  CHECK(in_clear.body.find("needs TLS") != std::string::npos);
  CHECK_FALSE(in_clear.takeover);
  const berth::api::HttpPeer over_tls{berth::api::HttpPeer::Transport::tls, "127.0.0.1", true, std::nullopt};
  const auto tls_session = berth::api::route_request(open_api, http_request("POST", "/v1/exec", {upgrade}, body), over_tls);
  CHECK(tls_session.body.find("runs no agent") != std::string::npos);
}

TEST_CASE_METHOD(RoutesFixture, "http routes: a node joins unsigned with its token; every other cluster action is signed",
                 "[api][http][cluster]") {
  const berth::api::HttpPeer stranger{berth::api::HttpPeer::Transport::tcp, "192.0.2.7", false, std::nullopt};
  const berth::api::HttpHeader join{"x-amz-target", "BerthCluster.JoinCluster"};
  // Unsigned from the network: the token decides, not a signature.
  const auto bad_token = berth::api::route_request(
      api, http_request("POST", "/", {join}, R"({"joinToken":"bjt-guess","totalResources":[]})"), stranger);
  CHECK(bad_token.status == 400);
  CHECK(header_of(bad_token, "x-amzn-ErrorType") == "ClientException");
  const auto made = route(http_request("POST", "/", {{"x-amz-target", "BerthCluster.CreateJoinToken"}}, "{}"));
  REQUIRE(made.status == 200);
  const std::string token = berth::model::Json::parse(made.body)["joinToken"];
  const auto joined = berth::api::route_request(
      api, http_request("POST", "/", {join}, R"({"joinToken":")" + token + R"(","totalResources":[]})"), stranger);
  CHECK(joined.status == 200);
  CHECK(joined.body.find("secretAccessKey") != std::string::npos);
  // The others need a signature like any API call.
  for (const char* action : {"BerthCluster.CreateJoinToken", "BerthCluster.PollInstanceTasks"}) {
    INFO(action);
    const auto unsigned_call = berth::api::route_request(
        api, http_request("POST", "/", {{"x-amz-target", action}}, R"({"containerInstance":"x"})"), stranger);
    CHECK(unsigned_call.status == 403);
    CHECK(header_of(unsigned_call, "x-amzn-ErrorType") == "MissingAuthenticationTokenException");
  }
}

}  // namespace http_routes_test
