// Authentication and authorization of whole requests through the routes: SigV4 on TCP, peer
// credentials on the unix socket, policies per key, and nothing written by a refused request.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "api/auth/canonical_request.hpp"
#include "api/auth/digest.hpp"
#include "api/auth/sigv4.hpp"
#include "api/http_routes.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/access_keys.hpp"
#include "svc/image_catalog.hpp"

namespace request_auth_test {

namespace {

using namespace berth;
using namespace berth::api;

constexpr std::string_view k_ecs = "AmazonEC2ContainerServiceV20141113.";

// Signs `request` as botocore does (host, x-amz-date, x-amz-target signed; body hashed).
void sign(HttpRequest& request, std::string_view key_id, std::string_view secret, EpochMs now_ms,
          std::string_view service = "ecs", std::string_view region = "local") {
  const std::string amz_date = auth::format_amz_date(now_ms / 1000);
  request.headers.push_back({"host", "127.0.0.1:51678"});
  request.headers.push_back({"x-amz-date", amz_date});
  std::vector<auth::HeaderField> fields;
  for (const auto& h : request.headers) fields.emplace_back(h.name, h.value);
  std::vector<std::string> names = {"host", "x-amz-date"};
  if (request.has_header("x-amz-target")) names.push_back("x-amz-target");
  std::ranges::sort(names);
  std::string signed_headers;
  for (const auto& n : names) signed_headers += (signed_headers.empty() ? "" : ";") + n;
  const std::string canonical = auth::canonical_request(request.method, auth::canonical_uri(request.target), "",
                                                        auth::canonical_headers(fields, names), signed_headers,
                                                        auth::sha256_hex(request.body));
  const auth::Credential credential{std::string(key_id), amz_date.substr(0, 8), std::string(region),
                                    std::string(service), "aws4_request"};
  const std::string signature =
      auth::sign(secret, credential.date, region, service, auth::string_to_sign(amz_date, credential, canonical));
  request.headers.push_back({"authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) + "/" +
                                                  credential.date + "/" + std::string(region) + "/" +
                                                  std::string(service) + "/aws4_request, SignedHeaders=" +
                                                  signed_headers + ", Signature=" + signature});
}

HttpRequest ecs_request(std::string_view action, std::string body = "{}") {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"x-amz-target", std::string(k_ecs) + std::string(action)},
                     {"content-type", "application/x-amz-json-1.1"}};
  request.body = std::move(body);
  return request;
}

std::string error_type(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-ErrorType") return value;
  }
  return "";
}

// What the daemon does with a deleted key: the ring forgets it.
struct KeyDeletions final : svc::StateEvents {
  explicit KeyDeletions(auth::KeyRing& ring) : keys(ring) {}
  void access_key_deleted(const std::string& access_key_id) override { keys.forget(access_key_id); }
  auth::KeyRing& keys;
};

struct AuthFixture : testing::ServiceFixture {
  std::string socket_path = "/tmp/berth-auth-test-" + std::to_string(::getpid()) + ".sock";
  auth::KeyRing keys{*ctx};
  KeyDeletions deletions{keys};
  RequestAuth auth{keys, clock, {TcpAuth::sigv4, socket_path, "local", "000000000000"}};
  ApiServices api{*ctx, auth};
  HttpPeer tcp{HttpPeer::Transport::tcp, "192.0.2.7", false, std::nullopt};

  AuthFixture() { ctx->events = &deletions; }

  ~AuthFixture() {
    ctx->events = nullptr;
    ::unlink(socket_path.c_str());
  }

  model::AccessKey key(const std::string& policy_name, const std::string& document = "") {
    auto created = svc::create_access_key(*ctx, "operator", policy_name, document);
    REQUIRE(created.has_value());
    return *created;
  }
  HttpResponse signed_call(std::string_view action, const model::AccessKey& k, std::string body = "{}") {
    HttpRequest request = ecs_request(action, std::move(body));
    sign(request, k.access_key_id, k.secret, clock.now_ms());
    return route_request(api, request, tcp);
  }
  bool cluster_exists(const std::string& name) {
    auto found = store->find_cluster(name);
    REQUIRE(found.has_value());
    return found->has_value() && (*found)->status == model::ClusterStatus::active;
  }
};

}  // namespace

TEST_CASE_METHOD(AuthFixture, "TCP: an unsigned request is refused and writes nothing", "[api][auth]") {
  const auto reply = route_request(api, ecs_request("CreateCluster", R"({"clusterName":"intruder"})"), tcp);
  CHECK(reply.status == 403);
  CHECK(error_type(reply) == "MissingAuthenticationTokenException");
  CHECK_FALSE(cluster_exists("intruder"));
}

TEST_CASE_METHOD(AuthFixture, "TCP: a request signed with a stored key is served", "[api][auth]") {
  const auto admin = key("admin");
  const auto reply = signed_call("CreateCluster", admin, R"({"clusterName":"plant-7"})");
  CHECK(reply.status == 200);
  CHECK(cluster_exists("plant-7"));
}

TEST_CASE_METHOD(AuthFixture, "TCP: wrong secret, unknown key, old date, changed body, wrong service", "[api][auth]") {
  const auto admin = key("admin");
  model::AccessKey wrong = admin;
  wrong.secret[0] = wrong.secret[0] == 'A' ? 'B' : 'A';
  CHECK(error_type(signed_call("CreateCluster", wrong, R"({"clusterName":"a"})")) == "InvalidSignatureException");
  model::AccessKey unknown = admin;
  unknown.access_key_id = "AKIAUNKNOWNUNKNOWN00";
  CHECK(error_type(signed_call("CreateCluster", unknown, R"({"clusterName":"b"})")) == "UnrecognizedClientException");

  HttpRequest old = ecs_request("CreateCluster", R"({"clusterName":"c"})");
  sign(old, admin.access_key_id, admin.secret, clock.now_ms() - 10 * 60 * 1000);
  const auto expired = route_request(api, old, tcp);
  CHECK(error_type(expired) == "InvalidSignatureException");
  CHECK(expired.body.find("Signature expired") != std::string::npos);

  HttpRequest replayed = ecs_request("CreateCluster", R"({"clusterName":"d"})");
  sign(replayed, admin.access_key_id, admin.secret, clock.now_ms());
  CHECK(route_request(api, replayed, tcp).status == 200);
  replayed.body = R"({"clusterName":"e"})";
  CHECK(error_type(route_request(api, replayed, tcp)) == "InvalidSignatureException");

  HttpRequest other_api = ecs_request("CreateCluster", R"({"clusterName":"f"})");
  sign(other_api, admin.access_key_id, admin.secret, clock.now_ms(), "scheduler");
  const auto scoped = route_request(api, other_api, tcp);
  CHECK(error_type(scoped) == "InvalidSignatureException");
  CHECK(scoped.body.find("scoped to correct service: 'ecs'") != std::string::npos);
  for (const char* name : {"a", "b", "c", "e", "f"}) CHECK_FALSE(cluster_exists(name));
  CHECK(cluster_exists("d"));
}

TEST_CASE_METHOD(AuthFixture, "A read-only key may describe but not change, with AWS's denial", "[api][auth]") {
  const auto reader = key("read-only");
  CHECK(signed_call("ListClusters", reader).status == 200);
  CHECK(signed_call("DescribeClusters", reader, R"({"clusters":["default"]})").status == 200);
  const auto denied = signed_call("CreateCluster", reader, R"({"clusterName":"nope"})");
  CHECK(denied.status == 400);
  CHECK(error_type(denied) == "AccessDeniedException");
  CHECK(denied.body.find("User: arn:aws:iam::000000000000:user/operator is not authorized to perform: "
                         "ecs:CreateCluster on resource: ") != std::string::npos);
  CHECK_FALSE(cluster_exists("nope"));
}

TEST_CASE_METHOD(AuthFixture, "A deleted key stops working at once", "[api][auth]") {
  const auto admin = key("admin");
  CHECK(signed_call("ListClusters", admin).status == 200);  // now cached
  HttpRequest remove;
  remove.method = "POST";
  remove.target = "/";
  remove.headers = {{"x-amz-target", "BerthKeys.DeleteAccessKey"}};
  remove.body = R"({"AccessKeyId":")" + admin.access_key_id + R"("})";
  const HttpPeer root{HttpPeer::Transport::unix_socket, "", false, PeerCredentials{1, 0, 0, {}}};
  CHECK(route_request(api, remove, root).status == 200);
  CHECK(error_type(signed_call("ListClusters", admin)) == "UnrecognizedClientException");
}

TEST_CASE_METHOD(AuthFixture, "Unix socket: root and the socket's group are admins, others are refused", "[api][auth]") {
  {
    std::FILE* file = std::fopen(socket_path.c_str(), "w");  // stands in for the socket: only its group is read
    REQUIRE(file);
    std::fclose(file);
  }
  struct stat status{};
  REQUIRE(::stat(socket_path.c_str(), &status) == 0);
  const gid_t group = status.st_gid;
  const gid_t other = group + 1000;
  const auto as = [&](uid_t uid, gid_t gid, std::vector<gid_t> groups) {
    const HttpPeer peer{HttpPeer::Transport::unix_socket, "", false, PeerCredentials{1, uid, gid, std::move(groups)}};
    return route_request(api, ecs_request("CreateCluster", R"({"clusterName":"u)" + std::to_string(uid) + R"("})"), peer);
  };
  CHECK(as(0, other, {}).status == 200);
  CHECK(as(1001, group, {}).status == 200);
  CHECK(as(1002, other, {group}).status == 200);
  const auto refused = as(1003, other, {other + 1});
  CHECK(error_type(refused) == "AccessDeniedException");
  CHECK_FALSE(cluster_exists("u1003"));
  const HttpPeer unknown{HttpPeer::Transport::unix_socket, "", false, std::nullopt};
  CHECK(error_type(route_request(api, ecs_request("ListClusters"), unknown)) == "AccessDeniedException");
}

TEST_CASE_METHOD(AuthFixture, "BERTH_AUTH=off takes unsigned TCP requests", "[api][auth]") {
  RequestAuth open_auth{keys, clock, {TcpAuth::off, socket_path, "local", "000000000000"}};
  ApiServices open_api{*ctx, open_auth};
  CHECK(route_request(open_api, ecs_request("CreateCluster", R"({"clusterName":"open"})"), tcp).status == 200);
  CHECK(cluster_exists("open"));
}

TEST_CASE_METHOD(AuthFixture, "GET /metrics: a key allowed berth:GetMetrics or the scrape token, nowhere else",
                 "[api][auth][metrics]") {
  const std::string token = "0123456789abcdef0123456789abcdef";
  api.metrics_token = token;
  const auto get = [](std::string target, std::vector<HttpHeader> headers = {}) {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    request.headers = std::move(headers);
    return request;
  };
  const HttpHeader bearer{"authorization", "Bearer " + token};

  CHECK(error_type(route_request(api, get("/metrics"), tcp)) == "MissingAuthenticationTokenException");
  const auto scraped = route_request(api, get("/metrics", {bearer}), tcp);
  CHECK(scraped.status == 200);
  CHECK(scraped.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(scraped.body.find("berth_metric_store_containers 0\n") != std::string::npos);
  HttpRequest head = get("/metrics", {bearer});
  head.method = "HEAD";
  CHECK(route_request(api, head, tcp).status == 200);
  const auto wrong = route_request(api, get("/metrics", {{"authorization", "Bearer " + token + "x"}}), tcp);
  CHECK(wrong.status == 401);
  CHECK(error_type(wrong) == "UnrecognizedClientException");
  CHECK(wrong.body.find(token) == std::string::npos);

  SECTION("the token opens no other route, nor /metrics for another method") {
    for (const char* target : {"/v1/stats", "/v1/tasks/0f/logs", "/schedules", "/metrics/", "/METRICS"}) {
      INFO(target);
      const auto refused = route_request(api, get(target, {bearer}), tcp);
      CHECK(refused.status >= 400);
      CHECK(refused.status != 404);
    }
    HttpRequest ecs = ecs_request("ListClusters");
    ecs.headers.push_back(bearer);
    CHECK(route_request(api, ecs, tcp).status == 400);
    HttpRequest post = get("/metrics", {bearer});
    post.method = "POST";
    CHECK(route_request(api, post, tcp).status == 400);
  }
  SECTION("no token configured: every bearer is refused") {
    api.metrics_token.clear();
    CHECK(route_request(api, get("/metrics", {{"authorization", "Bearer "}}), tcp).status == 401);
    CHECK(route_request(api, get("/metrics", {bearer}), tcp).status == 401);
  }
  SECTION("signed callers: for service berth, with berth:GetMetrics") {
    const auto signed_get = [&](const model::AccessKey& k, std::string_view service) {
      HttpRequest request = get("/metrics");
      sign(request, k.access_key_id, k.secret, clock.now_ms(), service);
      return route_request(api, request, tcp);
    };
    const auto reader = key("read-only");
    CHECK(signed_get(reader, "berth").status == 200);
    CHECK(error_type(signed_get(reader, "ecs")) == "InvalidSignatureException");
    const auto ecs_only = key("custom", R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"*"}})");
    const auto denied = signed_get(ecs_only, "berth");
    CHECK(error_type(denied) == "AccessDeniedException");
    CHECK(denied.body.find("berth:GetMetrics") != std::string::npos);
  }
}

namespace {

// One imported image in use and one pull half done, as a node's catalog would list them.
struct OneImageCatalog final : svc::ImageCatalog {
  Result<model::ImageListing> listing() override {
    model::ImageListing out;
    out.images.push_back({"sha256:" + std::string(64, 'a'), {"docker.io/library/busybox:latest"}, 2'000'000,
                          1'700'000'000'000, false, true});
    out.pulls.push_back({"registry.local/web:2", 500, 1000, 1, 2});
    return out;
  }
};

}  // namespace

TEST_CASE_METHOD(AuthFixture, "GET /v1/images: the node's images and pulls for a key allowed berth:ListImages",
                 "[api][auth]") {
  OneImageCatalog catalog;
  ctx->images = &catalog;
  const auto signed_get = [&](const model::AccessKey& k) {
    HttpRequest request;
    request.method = "GET";
    request.target = "/v1/images";
    sign(request, k.access_key_id, k.secret, clock.now_ms(), "berth");
    return route_request(api, request, tcp);
  };
  const auto listed = signed_get(key("read-only"));
  REQUIRE(listed.status == 200);
  const auto body = model::Json::parse(listed.body);
  CHECK(body["images"][0]["names"][0] == "docker.io/library/busybox:latest");
  CHECK(body["images"][0]["sizeInBytes"] == 2'000'000);
  CHECK(body["images"][0]["inUse"] == true);
  CHECK(body["images"][0]["source"] == "imported");
  CHECK(body["images"][0]["importedAt"] == 1'700'000'000.0);
  CHECK(body["pulls"][0] == model::Json{{"name", "registry.local/web:2"}, {"bytesDone", 500}, {"bytesTotal", 1000},
                                        {"layersDone", 1}, {"layersTotal", 2}});
  const auto ecs_only = key("custom", R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"*"}})");
  const auto denied = signed_get(ecs_only);
  CHECK(error_type(denied) == "AccessDeniedException");
  CHECK(denied.body.find("berth:ListImages") != std::string::npos);
  ctx->images = nullptr;
}

TEST_CASE_METHOD(AuthFixture, "The key ring keeps more keys than the account's 100: one per joined instance too",
                 "[api][auth]") {
  // 300 instance keys (as joining makes them, past the account keys' bound of 100), each used once.
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "AKIATESTRING%08d", i);
    model::AccessKey k{id, model::instance_user("instance" + std::to_string(i)), std::string(40, 'x'), "admin", "", 0};
    REQUIRE_OK(store->create_access_key(k, 1000));
    ids.push_back(id);
    REQUIRE(keys.find(id).has_value());
  }
  // Gone from the store behind the ring's back: every one is still answered from memory.
  REQUIRE_OK(store->exec_for_test("DELETE FROM access_keys"));
  for (const auto& id : ids) CHECK(keys.find(id).has_value());
  // A key forgotten is read again (and is gone).
  keys.forget(ids[7]);
  CHECK_FALSE(keys.find(ids[7]).has_value());
}

}  // namespace request_auth_test
