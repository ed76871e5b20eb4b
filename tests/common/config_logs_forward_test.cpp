#include <catch2/catch.hpp>

#include "common/config.hpp"

namespace config_logs_forward_test {

using namespace berth;

TEST_CASE("config: the log forwarder's keys", "[common][log_forward]") {
  Config config;
  REQUIRE(apply_config(config, {{"BERTH_LOGS_FORWARD_URL", "https://central.example:51678/"},
                                {"BERTH_LOGS_FORWARD_KEY_FILE", "/etc/berth/central.key"},
                                {"BERTH_LOGS_FORWARD_CA", "/etc/berth/central-ca.pem"},
                                {"BERTH_LOGS_FORWARD_FINGERPRINT", std::string(64, 'A')}})
              .has_value());
  CHECK(config.logs_forward_url == "https://central.example:51678");
  CHECK(config.logs_forward_key_file == "/etc/berth/central.key");
  CHECK(config.logs_forward_ca_file == "/etc/berth/central-ca.pem");
  CHECK(config.logs_forward_fingerprint == std::string(64, 'a'));

  Config loopback;
  REQUIRE(apply_config(loopback, {{"BERTH_LOGS_FORWARD_URL", "http://127.0.0.1:6000"}}).has_value());
  CHECK(loopback.logs_forward_url == "http://127.0.0.1:6000");

  for (const auto* bad : {"http://central.example:51678", "https://central/path", "ftp://x"}) {
    Config refused;
    const auto applied = apply_config(refused, {{"BERTH_LOGS_FORWARD_URL", bad}});
    REQUIRE_FALSE(applied.has_value());
    CHECK(applied.error().message.find("BERTH_LOGS_FORWARD_URL") != std::string::npos);
    CHECK(applied.error().message.find("central CloudWatch Logs endpoint") != std::string::npos);
  }
}

}  // namespace config_logs_forward_test
