#include "cli/verb_config.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "fixtures/temp_dir.hpp"

namespace verb_config_test {

using namespace berth;
using namespace berth::cli;

namespace {

Result<Config> config_from(const std::vector<std::string>& words) {
  auto args = parse_args(words, config_flags());
  REQUIRE(args);
  return load_config(*args);
}

}  // namespace

TEST_CASE("verb config: flags override the file's keys", "[cli]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/berth.conf";
  std::ofstream(path) << "ECS_CLUSTER=plant-7\nBERTH_LOG_LEVEL=debug\nBERTH_LISTEN=127.0.0.1:51678\n";
  auto config = config_from({"--config", path, "--cluster", "override", "--listen", "0.0.0.0:0", "--log-level=error",
                             "--data-dir", "/d", "--run-dir", "/r", "--socket", "", "--region", "eu-1", "--account",
                             "123456789012", "--tls", "on", "--tls-cert", "/c.pem", "--tls-key", "/k.pem"});
  REQUIRE(config);
  CHECK(config->cluster == "override");
  CHECK(config->listen == "0.0.0.0:0");
  CHECK(config->log_level == LogLevel::error);
  CHECK(config->data_dir == "/d");
  CHECK(config->run_dir == "/r");
  CHECK(config->socket_path.empty());
  CHECK(config->region == "eu-1");
  CHECK(config->account == "123456789012");
  CHECK(config->tls_mode == "on");
  CHECK(config->tls_cert == "/c.pem");
  CHECK(config->tls_key == "/k.pem");
}

TEST_CASE("verb config: a bad flag value is refused with its key", "[cli]") {
  const auto refused = [](const std::vector<std::string>& words) {
    auto config = config_from(words);
    return config ? std::string() : config.error().message;
  };
  CHECK(refused({"--config", "/dev/null", "--log-level", "loud"}) ==
        "BERTH_LOG_LEVEL must be a log level: debug, info, warn or error");
  CHECK(refused({"--config", "/dev/null", "--listen", "nowhere"}) ==
        "BERTH_LISTEN must be HOST:PORT with a port of 0 to 65535, or empty for no TCP listener");
  CHECK(refused({"--config", "/dev/null", "--tls", "maybe"}) == "BERTH_TLS must be auto, on or off");
  CHECK(refused({"--config", "/nonexistent/berth.conf"}).starts_with("cannot read config file /nonexistent/berth.conf"));
}

}  // namespace verb_config_test
