#include "api/tls/tls_setup.hpp"

#include <catch2/catch.hpp>

#include "fixtures/temp_dir.hpp"

namespace tls_setup_test {

using namespace berth;
using namespace berth::api::tls;
using berth::testing::TempDir;

TEST_CASE("tls setup: loopback listen addresses", "[tls]") {
  CHECK(is_loopback_listen("127.0.0.1:51678"));
  CHECK(is_loopback_listen("127.3.2.1:0"));
  CHECK(is_loopback_listen("[::1]:51678"));
  CHECK(is_loopback_listen("localhost:51678"));
  CHECK_FALSE(is_loopback_listen("0.0.0.0:51678"));
  CHECK_FALSE(is_loopback_listen("[::]:51678"));
  CHECK_FALSE(is_loopback_listen(":51678"));
  CHECK_FALSE(is_loopback_listen("192.168.1.20:51678"));
  CHECK_FALSE(is_loopback_listen("gateway.local:51678"));
  CHECK_FALSE(is_loopback_listen("[::ffff:127.0.0.1]:51678"));
}

TEST_CASE("tls setup: auto is TLS beyond loopback only; on and off say so", "[tls]") {
  Config config;
  config.data_dir = "/data";
  const auto plan = [&config](const std::string& mode, const std::string& listen) {
    config.tls_mode = mode;
    config.listen = listen;
    auto p = plan_tls(config);
    REQUIRE(p);
    return *p;
  };
  CHECK_FALSE(plan("auto", "127.0.0.1:51678").enabled);
  CHECK(plan("auto", "0.0.0.0:51678").enabled);
  CHECK(plan("auto", "[::]:51678").enabled);
  CHECK(plan("on", "127.0.0.1:51678").enabled);
  CHECK_FALSE(plan("on", "").enabled);  // no TCP listener, nothing to encrypt
  CHECK_FALSE(plan("off", "0.0.0.0:51678").enabled);
  CHECK(plan("off", "0.0.0.0:51678").off_beyond_loopback);
  CHECK_FALSE(plan("off", "127.0.0.1:51678").off_beyond_loopback);
  CHECK_FALSE(plan("auto", "0.0.0.0:51678").off_beyond_loopback);

  const auto generated = plan("on", "0.0.0.0:1");
  CHECK(generated.generated);
  CHECK(generated.paths.certificate == "/data/tls/cert.pem");
  CHECK(generated.paths.private_key == "/data/tls/key.pem");

  config.tls_cert = "/etc/berth/api.pem";
  config.tls_key = "/etc/berth/api.key";
  const auto given = plan("on", "0.0.0.0:1");
  CHECK_FALSE(given.generated);
  CHECK(given.paths.certificate == "/etc/berth/api.pem");
  CHECK(given.paths.private_key == "/etc/berth/api.key");

  config.tls_key.clear();
  auto half = plan_tls(config);
  REQUIRE_FALSE(half);
  CHECK_THAT(half.error().message, Catch::Contains("go together"));
}

TEST_CASE("tls setup: prepare generates the pair at the first start and loads it at every start", "[tls]") {
  TempDir dir;
  Config config;
  config.data_dir = dir.path;
  config.tls_mode = "on";
  auto plan = plan_tls(config);
  REQUIRE(plan);
  auto first = prepare_tls(*plan);
  REQUIRE(first);
  CHECK(first->generated == Generated::yes);
  auto second = prepare_tls(*plan);
  REQUIRE(second);
  CHECK(second->generated == Generated::no);
  CHECK(second->server->fingerprint() == first->server->fingerprint());
  CHECK(certificate_fingerprint(plan->paths.certificate).value_or("") == first->server->fingerprint());

  // The operator's files are never generated.
  config.tls_cert = dir.path + "/missing.pem";
  config.tls_key = dir.path + "/missing.key";
  auto given = plan_tls(config);
  REQUIRE(given);
  auto loaded = prepare_tls(*given);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(loaded.error().message, Catch::Contains("missing.pem"));
}

}  // namespace tls_setup_test
