#include "api/ui_routes.hpp"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <regex>

#include "api/http_routes.hpp"
#include "api/ui_assets.hpp"
#include "fixtures/fixtures.hpp"

namespace berth::api::ui_routes_test {
namespace {

// Routes as a TCP peer with SigV4 on: the dashboard's files need no signature, nothing else does.
struct UiFixture : testing::ServiceFixture {
  auth::KeyRing keys{*ctx};
  RequestAuth auth{keys, clock, {TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"}};
  ApiServices api{*ctx, auth};
  HttpPeer stranger{HttpPeer::Transport::tcp, "127.0.0.1", true, std::nullopt};

  HttpResponse send(std::string method, std::string target, std::string accept_encoding = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    if (!accept_encoding.empty()) request.headers.push_back({"accept-encoding", accept_encoding});
    return route_request(api, request, stranger);
  }
};

std::string header(const HttpResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return "";
}

std::string gunzip(std::string_view bytes) {
  std::string out(1 << 20, '\0');
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(inflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE_METHOD(UiFixture, "ui routes: the dashboard is served unsigned, gzip as stored or inflated", "[api][ui]") {
  const auto plain = send("GET", "/ui/");
  REQUIRE(plain.status == 200);
  CHECK(plain.content_type == "text/html; charset=utf-8");
  CHECK(plain.body.starts_with("<!doctype html>"));
  CHECK(header(plain, "Content-Encoding").empty());
  CHECK(header(plain, "Content-Security-Policy").find("connect-src 'self'") != std::string::npos);

  const auto zipped = send("GET", "/ui/", "br, gzip;q=0.8");
  REQUIRE(zipped.status == 200);
  CHECK(header(zipped, "Content-Encoding") == "gzip");
  CHECK(zipped.body.size() < plain.body.size());
  CHECK(gunzip(zipped.body) == plain.body);
  CHECK(send("GET", "/ui/index.html", "gzip").body == zipped.body);

  const auto head = send("HEAD", "/ui/app.js", "gzip");
  CHECK(head.status == 200);
  CHECK(head.content_type == "text/javascript; charset=utf-8");

  const auto moved = send("GET", "/ui");
  CHECK(moved.status == 301);
  CHECK(header(moved, "Location") == "/ui/");
  CHECK(send("GET", "/ui/nothing.js").status == 404);
  CHECK(send("GET", "/ui/%2e%2e/ui/app.js").status == 404);
  // Anything else still needs a signature: the API itself, other methods on /ui, look-alike paths.
  CHECK(send("GET", "/uix").status == 403);
  CHECK(send("POST", "/ui/").status == 403);
  CHECK(send("GET", "/metrics").status == 403);
}

TEST_CASE("ui routes: every file the page names is compiled in, and each inflates to its size", "[api][ui]") {
  std::string index;
  for (const UiAsset& asset : ui_assets()) {
    const std::string bytes = gunzip(asset.gzip);
    CHECK(bytes.size() == asset.size);
    if (asset.name == "index.html") index = bytes;
  }
  REQUIRE_FALSE(index.empty());
  const std::regex reference(R"re((?:src|href)="([a-z0-9_.-]+\.(?:js|css))")re");
  int named = 0;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), reference); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    ++named;
    INFO(name);
    CHECK(std::ranges::any_of(ui_assets(), [&](const UiAsset& a) { return a.name == name; }));
  }
  CHECK(named >= 5);  // style.css and the four scripts
}

TEST_CASE_METHOD(UiFixture, "ui routes: each file is served inflated, the same bytes on every request", "[api][ui]") {
  // The inflated bodies are made once and kept: each name must still get its own file's bytes.
  for (int round = 0; round < 2; ++round) {
    for (const UiAsset& asset : ui_assets()) {
      INFO(asset.name << " round " << round);
      const auto plain = send("GET", "/ui/" + std::string(asset.name));
      REQUIRE(plain.status == 200);
      CHECK(header(plain, "Content-Encoding").empty());
      CHECK(plain.body == gunzip(asset.gzip));
      CHECK(send("GET", "/ui/" + std::string(asset.name), "gzip").body == asset.gzip);
    }
  }
}

TEST_CASE("ui routes: Accept-Encoding", "[api][ui]") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br, zstd"));
  CHECK(accepts_gzip("deflate, GZIP;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("deflate, br"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.000"));
  CHECK(accepts_gzip("gzip;q=0.001"));
  // gzip named outright wins over "*", before or after it.
  CHECK(accepts_gzip("*;q=0, gzip"));
  CHECK(accepts_gzip("identity, *;q=0, gzip;q=0.5"));
  CHECK_FALSE(accepts_gzip("*, gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, *"));
}

}  // namespace berth::api::ui_routes_test
