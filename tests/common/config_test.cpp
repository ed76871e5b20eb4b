#include "common/config.hpp"

#include <catch2/catch.hpp>

using namespace berth;

TEST_CASE("config text: keys, comments, quotes", "[common]") {
  auto keys = parse_config_text("# comment\nECS_CLUSTER=edge\n\n BERTH_REGION = \"eu-local\" \nX='y'\n");
  REQUIRE(keys.has_value());
  CHECK(keys->at("ECS_CLUSTER") == "edge");
  CHECK(keys->at("BERTH_REGION") == "eu-local");
  CHECK(keys->at("X") == "y");
}

TEST_CASE("config text: a line without '=' names its number", "[common]") {
  auto keys = parse_config_text("ECS_CLUSTER=a\nnonsense\n");
  REQUIRE_FALSE(keys.has_value());
  CHECK(keys.error().message.find("line 2") != std::string::npos);
}

TEST_CASE("config: known keys apply, unknown ones are kept raw", "[common]") {
  Config config;
  REQUIRE(apply_config(config, {{"ECS_CLUSTER", "edge"}, {"ECS_RESERVED_MEMORY", "64"},
                                {"BERTH_MAX_BODY_BYTES", "4096"}})
              .has_value());
  CHECK(config.cluster == "edge");
  CHECK(config.max_body_bytes == 4096);
  CHECK(config.raw.at("ECS_RESERVED_MEMORY") == "64");
  CHECK(config.db_path() == "/var/lib/berth/berth.db");
}

TEST_CASE("config: bad numbers and empty cluster are refused", "[common]") {
  Config config;
  CHECK_FALSE(apply_config(config, {{"BERTH_MAX_BODY_BYTES", "12x"}}).has_value());
  CHECK_FALSE(apply_config(config, {{"ECS_CLUSTER", ""}}).has_value());
}

TEST_CASE("config file: a missing default file is fine, a named one is not", "[common]") {
  Config config;
  CHECK(load_config_file(config, "/nonexistent/berth.conf", MissingFile::ok).has_value());
  CHECK_FALSE(load_config_file(config, "/nonexistent/berth.conf", MissingFile::error).has_value());
}

TEST_CASE("config: TLS mode and certificate files", "[common]") {
  Config config;
  CHECK(config.tls_mode == "auto");
  REQUIRE(apply_config(config, {{"BERTH_TLS", "off"}}).has_value());
  CHECK(config.tls_mode == "off");
  CHECK_FALSE(apply_config(config, {{"BERTH_TLS", "yes"}}).has_value());
  Config both;
  REQUIRE(apply_config(both, {{"BERTH_TLS_CERT", "/c.pem"}, {"BERTH_TLS_KEY", "/k.pem"}}).has_value());
  CHECK(both.tls_cert == "/c.pem");
  CHECK(both.tls_key == "/k.pem");
  CHECK(both.tls_dir() == "/var/lib/berth/tls");
}
