#include "common/config.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "fixtures/temp_dir.hpp"

namespace config_test {

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

TEST_CASE("config: BERTH_METADATA_PORT, 51679 unless set, 0 for none", "[common][metadata]") {
  Config config;
  CHECK(config.metadata_port == 51679);
  REQUIRE(apply_config(config, {{"BERTH_METADATA_PORT", "40123"}}).has_value());
  CHECK(config.metadata_port == 40123);
  REQUIRE(apply_config(config, {{"BERTH_METADATA_PORT", "0"}}).has_value());
  CHECK(config.metadata_port == 0);
  CHECK(config.unknown_keys.empty());
}

TEST_CASE("config: BERTH_DNS_LISTEN, the bridge's gateway unless set, off, or IPV4:PORT", "[common][dns]") {
  Config config;
  CHECK(config.dns_listen.empty());
  REQUIRE(apply_config(config, {{"BERTH_DNS_LISTEN", "127.0.0.1:5353"}}).has_value());
  CHECK(config.dns_listen == "127.0.0.1:5353");
  REQUIRE(apply_config(config, {{"BERTH_DNS_LISTEN", "off"}}).has_value());
  CHECK(config.dns_listen == "off");
  for (const char* bad : {"", "on", "53", "host:53", "1.2.3:53", "1.2.3.256:53", "1.2.3.4:65536", "1.2.3.4:"}) {
    INFO(bad);
    CHECK_FALSE(apply_config(config, {{"BERTH_DNS_LISTEN", bad}}).has_value());
  }
}

TEST_CASE("config: BERTH_CGROUP_PARENT, /berth unless set", "[common]") {
  Config config;
  CHECK(config.cgroup_parent == "/berth");
  REQUIRE(apply_config(config, {{"BERTH_CGROUP_PARENT", "/lab/gw-1.a_b"}}).has_value());
  CHECK(config.cgroup_parent == "/lab/gw-1.a_b");
  for (const std::string& bad : std::vector<std::string>{"", "/", "berth", "/berth/", "//berth", "/a/../b", "/a/./b", "/a b", "/a;b", "/berth-shims",
                                "/" + std::string(128, 'a')}) {
    INFO(bad);
    auto refused = apply_config(config, {{"BERTH_CGROUP_PARENT", bad}});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("BERTH_CGROUP_PARENT") != std::string::npos);
  }
  CHECK(config.cgroup_parent == "/lab/gw-1.a_b");  // unchanged by the refusals
}

TEST_CASE("config: BERTH_GPU_DEVICES takes comma-separated absolute paths", "[common]") {
  Config config;
  REQUIRE(apply_config(config, {{"BERTH_GPU_DEVICES", " /dev/loop3, /dev/loop4 ,"}}).has_value());
  CHECK(config.gpu_devices == std::vector<std::string>{"/dev/loop3", "/dev/loop4"});
  CHECK(config.unknown_keys.empty());
  Config bad;
  const auto relative = apply_config(bad, {{"BERTH_GPU_DEVICES", "/dev/loop3,loop4"}});
  REQUIRE_FALSE(relative.has_value());
  CHECK(relative.error().message.find("BERTH_GPU_DEVICES must be absolute paths of device nodes") != std::string::npos);
  std::string many;
  for (int i = 0; i < 65; ++i) many += "/dev/loop" + std::to_string(i) + ",";
  CHECK_FALSE(apply_config(bad, {{"BERTH_GPU_DEVICES", many}}).has_value());
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

TEST_CASE("config: an unknown BERTH_ key is listed for a warning, not refused", "[common]") {
  Config config;
  REQUIRE(apply_config(config, {{"BERTH_TSL", "on"}, {"ECS_SOMETHING_NEW", "1"}}).has_value());
  CHECK(config.unknown_keys == std::vector<std::string>{"BERTH_TSL"});
  CHECK(config.tls_mode == "auto");
}

namespace {

// The error apply_config gives for `key=value` alone, or "" if it takes it.
std::string refusal(const std::string& key, const std::string& value) {
  Config config;
  const auto applied = apply_config(config, {{key, value}});
  return applied ? "" : applied.error().message;
}

}  // namespace

TEST_CASE("config: each bad value is refused with the key and what it takes", "[common]") {
  struct Case {
    const char* key;
    std::vector<std::string> bad;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"ECS_DATADIR", {""}, "ECS_DATADIR must be a path of 1 to 4096 characters"},
      {"BERTH_DATA_DIR", {""}, "BERTH_DATA_DIR must be a path of 1 to 4096 characters"},
      {"BERTH_RUN_DIR", {""}, "BERTH_RUN_DIR must be a path of 1 to 4096 characters"},
      {"BERTH_REGION", {"", "eu:west", "eu/west", "eu west", std::string(65, 'a')},
       "BERTH_REGION must be 1 to 64 of a-z A-Z 0-9 - _ (it is part of every ARN)"},
      {"BERTH_ACCOUNT_ID", {"", "12345678901", "1234567890123", "12345678901x", "-12345678901"},
       "BERTH_ACCOUNT_ID must be 12 digits, as an AWS account id"},
      {"BERTH_LISTEN", {"127.0.0.1", ":80", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:8x"},
       "BERTH_LISTEN must be HOST:PORT with a port of 0 to 65535, or empty for no TCP listener"},
      {"BERTH_SOCKET", {std::string(108, 's')},
       "BERTH_SOCKET must be a path of at most 107 characters, or empty for no unix socket"},
      {"BERTH_LOG_LEVEL", {"", "loud", "INFO"}, "BERTH_LOG_LEVEL must be a log level: debug, info, warn or error"},
      {"BERTH_AUTH", {"", "on", "SIGV4"}, "BERTH_AUTH must be sigv4 or off"},
      {"BERTH_TLS", {"", "yes"}, "BERTH_TLS must be auto, on or off"},
      {"BERTH_MAX_BODY_BYTES", {"", "12x", "1023", "-1", "67108865", "99999999999999999999999"},
       "BERTH_MAX_BODY_BYTES must be a whole number of bytes, 1024 to 67108864"},
      {"BERTH_SECRETS_KEY_FILE", {""}, "BERTH_SECRETS_KEY_FILE must be a path of 1 to 4096 characters"},
      {"BERTH_METADATA_PORT", {"", "-1", "65536", "51679x", "99999999999999999999"},
       "BERTH_METADATA_PORT must be a port, 0 to 65535 (0 = no task metadata endpoint)"},
      {"BERTH_TASK_SETTLE_SECONDS", {"", "-1", "86401", "10s", "1.5", "99999999999999999999"},
       "BERTH_TASK_SETTLE_SECONDS must be a whole number of seconds, 0 to 86400"},
      {"BERTH_RESTART_ATTEMPT_PERIOD_SECONDS", {"", "-1", "1801", "60s", "1.5", "99999999999999999999"},
       "BERTH_RESTART_ATTEMPT_PERIOD_SECONDS must be a whole number of seconds, 0 to 1800"},
      {"BERTH_ZONEINFO_DIR", {""}, "BERTH_ZONEINFO_DIR must be a path of 1 to 4096 characters"},
      {"BERTH_METRICS_INTERVAL", {"", "-1", "3601", "10s", "1.5", "99999999999999999999"},
       "BERTH_METRICS_INTERVAL must be a whole number of seconds, 0 to 3600"},
      {"BERTH_METRICS_RESOLUTION", {"", "0", "3601", "1m"},
       "BERTH_METRICS_RESOLUTION must be a whole number of seconds, 1 to 3600"},
      {"BERTH_METRICS_RETENTION", {"", "0", "169", "24h"}, "BERTH_METRICS_RETENTION must be a whole number of hours, 1 to 168"},
      {"BERTH_METRICS_MAX_SERIES", {"", "0", "100001", " 5"},
       "BERTH_METRICS_MAX_SERIES must be a whole number of series, 1 to 100000"},
      {"BERTH_CPU_UNITS", {"", "-1", "1048577", "2k"}, "BERTH_CPU_UNITS must be a whole number of CPU units, 0 to 1048576"},
      {"BERTH_MEMORY_MIB", {"", "-5", "16777217", "1G"}, "BERTH_MEMORY_MIB must be a whole number of MiB, 0 to 16777216"},
      {"BERTH_INSTANCE_TYPE", {"", "a\tb", std::string(129, 't')},
       "BERTH_INSTANCE_TYPE must be 1 to 128 printable characters"},
      {"BERTH_AVAILABILITY_ZONE", {""}, "BERTH_AVAILABILITY_ZONE must be 1 to 128 printable characters"},
      {"BERTH_CNI_PATH", {""}, "BERTH_CNI_PATH must be a path of 1 to 4096 characters"},
      {"BERTH_BRIDGE_NAME", {"", "a-name-too-long-x", "br 0", "br/0"},
       "BERTH_BRIDGE_NAME must be an interface name (1-15 of a-z 0-9 - _ .)"},
      {"BERTH_BRIDGE_SUBNET", {"", "10.0.0.0", "10.0.0/16", "10.0.0.256/16", "10.0.0.0/31", "10.0.0.0/7", "a.b.c.d/16",
                               "10.0.0.0.0/16", "99999999999.0.0.0/16", "10.0.0.0/16x"},
       "BERTH_BRIDGE_SUBNET must be an IPv4 subnet such as 172.31.0.0/16 (prefix 8 to 30)"},
      {"BERTH_INSTANCE_ADDRESS", {"10.0.0", "10.0.0.256", "gateway.local", "10.0.0.1/24", "::1"},
       "BERTH_INSTANCE_ADDRESS must be an IPv4 address such as 192.168.1.20, or empty"},
      {"BERTH_INSECURE_REGISTRIES", {std::string(256, 'r')},
       "BERTH_INSECURE_REGISTRIES must be registry hosts of at most 255 characters each"},
  };
  for (const auto& c : cases) {
    for (const auto& bad : c.bad) {
      INFO(c.key << "=" << bad);
      CHECK(refusal(c.key, bad) == c.message);
    }
  }
  std::string many;
  for (int i = 0; i <= 100; ++i) many += "r" + std::to_string(i) + ",";
  CHECK(refusal("BERTH_INSECURE_REGISTRIES", many) == "BERTH_INSECURE_REGISTRIES must be a list of at most 100 registry hosts");
}

TEST_CASE("config: good values land in their fields", "[common]") {
  Config config;
  REQUIRE(apply_config(config, {{"ECS_CLUSTER", "plant-7"},
                                {"ECS_DATADIR", "/data"},
                                {"BERTH_RUN_DIR", "/run/b"},
                                {"BERTH_REGION", "eu-edge-1"},
                                {"BERTH_ACCOUNT_ID", "123456789012"},
                                {"BERTH_LISTEN", "[::]:0"},
                                {"BERTH_SOCKET", ""},
                                {"BERTH_LOG_LEVEL", "warn"},
                                {"BERTH_AUTH", "off"},
                                {"BERTH_MAX_BODY_BYTES", "67108864"},
                                {"BERTH_SECRETS_KEY_FILE", "/keys/secrets.key"},
                                {"BERTH_TASK_SETTLE_SECONDS", "0"},
                                {"BERTH_RESTART_ATTEMPT_PERIOD_SECONDS", "1800"},
                                {"BERTH_ZONEINFO_DIR", "/zoneinfo"},
                                {"BERTH_CPU_UNITS", "4096"},
                                {"BERTH_MEMORY_MIB", "1024"},
                                {"BERTH_INSTANCE_TYPE", "rpi4 8GB"},
                                {"BERTH_AVAILABILITY_ZONE", "hall-2"},
                                {"BERTH_CNI_PATH", "/opt/cni/bin"},
                                {"BERTH_BRIDGE_NAME", "br-tasks.1"},
                                {"BERTH_BRIDGE_SUBNET", "10.88.0.0/24"},
                                {"BERTH_INSTANCE_ADDRESS", "192.168.7.20"},
                                {"BERTH_INSECURE_REGISTRIES", " reg.local:5000 ,, mirror "},
                                {"BERTH_REGISTRY_CA_FILE", "/etc/ca.pem"},
                                {"BERTH_METRICS_INTERVAL", "0"},
                                {"BERTH_METRICS_RESOLUTION", "3600"},
                                {"BERTH_METRICS_RETENTION", "168"},
                                {"BERTH_METRICS_MAX_SERIES", "100000"},
                                {"ECS_RESERVED_MEMORY", "64"}})
              .has_value());
  CHECK(config.cluster == "plant-7");
  CHECK(config.data_dir == "/data");
  CHECK(config.run_dir == "/run/b");
  CHECK(config.region == "eu-edge-1");
  CHECK(config.account == "123456789012");
  CHECK(config.listen == "[::]:0");
  CHECK(config.socket_path.empty());
  CHECK(config.log_level == LogLevel::warn);
  CHECK_FALSE(config.tcp_auth);
  CHECK(config.max_body_bytes == 64u << 20);
  CHECK(config.secrets_key_path() == "/keys/secrets.key");
  CHECK(config.task_settle_seconds == 0);
  CHECK(config.restart_attempt_period_s == 1800);
  CHECK_FALSE(Config{}.restart_attempt_period_s.has_value());  // unset: each definition's own
  CHECK(config.zoneinfo_dir == "/zoneinfo");
  CHECK(config.instance_address == "192.168.7.20");
  CHECK(Config{}.instance_address.empty());
  CHECK(config.cpu_units == 4096);
  CHECK(config.memory_mib == 1024);
  CHECK(config.instance_type == "rpi4 8GB");
  CHECK(config.availability_zone == "hall-2");
  CHECK(config.cni_path == "/opt/cni/bin");
  CHECK(config.bridge_name == "br-tasks.1");
  CHECK(config.bridge_subnet == "10.88.0.0/24");
  CHECK(config.insecure_registries == std::vector<std::string>{"reg.local:5000", "mirror"});
  CHECK(config.registry_ca_file == "/etc/ca.pem");
  CHECK(config.metrics_interval_seconds == 0);
  CHECK(config.metrics_resolution_seconds == 3600);
  CHECK(config.metrics_retention_hours == 168);
  CHECK(config.metrics_max_series == 100000);
  // The ECS agent's keys are left to the agent.
  CHECK(config.raw.at("ECS_RESERVED_MEMORY") == "64");
}

TEST_CASE("config: defaults where no key is given", "[common]") {
  Config config;
  REQUIRE(apply_config(config, {}).has_value());
  CHECK(config.log_level == LogLevel::info);
  CHECK(config.task_settle_seconds == 10);
  CHECK(config.metrics_interval_seconds == 10);
  CHECK(config.metrics_resolution_seconds == 60);
  CHECK(config.metrics_retention_hours == 24);
  CHECK(config.metrics_max_series == 128);
  CHECK(config.zoneinfo_dir == "/usr/share/zoneinfo");
  CHECK(config.secrets_key_path() == "/var/lib/berth/secrets.key");
  CHECK_FALSE(config.cni_path);
  CHECK_FALSE(config.bridge_name);
  CHECK_FALSE(config.bridge_subnet);
  REQUIRE(apply_config(config, {{"BERTH_DATA_DIR", "/elsewhere"}}).has_value());
  CHECK(config.secrets_key_path() == "/elsewhere/secrets.key");
  CHECK(refusal("BERTH_LOG_LEVEL", "debug").empty());
  CHECK(refusal("BERTH_LISTEN", "").empty());
  CHECK(refusal("BERTH_LISTEN", "0.0.0.0:65535").empty());
  CHECK(refusal("BERTH_BRIDGE_SUBNET", "172.31.0.0/16").empty());
}

TEST_CASE("config file: a bad value is refused with the file's name", "[common]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/berth.conf";
  std::ofstream(path) << "ECS_CLUSTER=edge\nBERTH_TASK_SETTLE_SECONDS=ten\n";
  Config config;
  const auto loaded = load_config_file(config, path, MissingFile::error);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message == path + ": BERTH_TASK_SETTLE_SECONDS must be a whole number of seconds, 0 to 86400");
}

TEST_CASE("config: joining a cluster: the server's URL, the token, the pinned fingerprint", "[common][joined]") {
  Config config;
  const std::string fingerprint = "AB:CD:" + std::string(60, 'e');
  REQUIRE(apply_config(config, {{"BERTH_JOIN", "https://10.0.0.1:51678/"},
                                {"BERTH_JOIN_TOKEN", "bjt-abc_DEF-123"},
                                {"BERTH_JOIN_FINGERPRINT", "AB:CD:" + std::string(60, 'E')},
                                {"BERTH_JOIN_CA", "/etc/berth/server-ca.pem"}})
              .has_value());
  CHECK(config.join_url == "https://10.0.0.1:51678");
  CHECK(config.join_token == "bjt-abc_DEF-123");
  CHECK(config.join_fingerprint == "abcd" + std::string(60, 'e'));
  CHECK(config.join_ca_file == "/etc/berth/server-ca.pem");
  CHECK(config.unknown_keys.empty());
  CHECK(apply_config(config, {{"BERTH_JOIN", "http://127.0.0.1:51678"}}).has_value());
  // Plain http only to loopback; nothing after the port.
  for (const char* url : {"http://10.0.0.1:51678", "ftp://x", "https://", "https://h:1/path", "https://u@h:1"}) {
    INFO(url);
    CHECK_FALSE(apply_config(config, {{"BERTH_JOIN", url}}).has_value());
  }
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_TOKEN", "not-a-token"}}).has_value());
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_TOKEN", "bjt-has space"}}).has_value());
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_FINGERPRINT", "abcd"}}).has_value());
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_FINGERPRINT", std::string(64, 'g')}}).has_value());
}

TEST_CASE("config: joining a replicated control plane: several servers' URLs and fingerprints", "[common][joined]") {
  Config config;
  const std::string a(64, 'a'), b(64, 'b');
  REQUIRE(apply_config(config, {{"BERTH_JOIN", "https://10.0.0.1:51678/, https://10.0.0.2:51678,https://10.0.0.3:51678"},
                                {"BERTH_JOIN_FINGERPRINT", a + ", " + b}})
              .has_value());
  CHECK(config.join_url == "https://10.0.0.1:51678,https://10.0.0.2:51678,https://10.0.0.3:51678");
  CHECK(config.join_fingerprint == a + "," + b);  // their count against the URLs' is the agent's check
  for (const char* urls : {"https://10.0.0.1:51678,", ",https://10.0.0.1:51678", "https://10.0.0.1:51678,,https://h:1",
                           "https://10.0.0.1:51678,http://10.0.0.2:51678"}) {
    INFO(urls);
    CHECK_FALSE(apply_config(config, {{"BERTH_JOIN", urls}}).has_value());
  }
  std::string seventeen;
  for (int i = 0; i < 17; ++i) seventeen += (i ? "," : "") + std::string("https://10.0.0.1:") + std::to_string(1000 + i);
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN", seventeen}}).has_value());
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_FINGERPRINT", a + ","}}).has_value());
  CHECK_FALSE(apply_config(config, {{"BERTH_JOIN_FINGERPRINT", a + ",abcd"}}).has_value());
}

TEST_CASE("config: BERTH_PEERS, the control plane's servers as IPV4:PORT, each once", "[common][peers]") {
  Config config;
  CHECK(config.peers.empty());
  REQUIRE(apply_config(config, {{"BERTH_PEERS", " 10.0.0.1:51680, 10.0.0.2:51680 ,,10.0.0.3:9001"},
                                {"BERTH_PEER_ADDRESS", "10.0.0.2:51680"}})
              .has_value());
  CHECK(config.peers == std::vector<std::string>{"10.0.0.1:51680", "10.0.0.2:51680", "10.0.0.3:9001"});
  CHECK(config.peer_address == "10.0.0.2:51680");
  REQUIRE(apply_config(config, {{"BERTH_PEERS", ""}}).has_value());
  CHECK(config.peers.empty());

  const auto refused = [](const std::string& key, const std::string& value) {
    Config fresh;
    auto applied = apply_config(fresh, {{key, value}});
    REQUIRE_FALSE(applied);
    CHECK(applied.error().message.starts_with(key + " must be"));
    return applied.error().message;
  };
  refused("BERTH_PEERS", "10.0.0.1");                      // no port
  refused("BERTH_PEERS", "10.0.0.1:0");                    // port 0
  refused("BERTH_PEERS", "10.0.0.1:65536");                // past the ports
  refused("BERTH_PEERS", "10.0.0.1:+80");                  // not digits only
  refused("BERTH_PEERS", "gateway-a:51680");               // a name: dqlite 1.11 takes IPv4 only
  refused("BERTH_PEERS", "[::1]:51680");                   // nor IPv6
  refused("BERTH_PEERS", "10.0.0.256:51680");
  CHECK(refused("BERTH_PEERS", "10.0.0.1:1,10.0.0.1:1").find("twice") != std::string::npos);
  std::string ten;
  for (int i = 1; i <= 10; ++i) ten += "10.0.0." + std::to_string(i) + ":1,";
  CHECK(refused("BERTH_PEERS", ten).find("at most 9") != std::string::npos);
  refused("BERTH_PEER_ADDRESS", "10.0.0.1");
  CHECK(check_peer_address("ADDR", "127.0.0.1:9001").value_or("") == "127.0.0.1:9001");
  CHECK_FALSE(check_peer_address("ADDR", "127.0.0.1:9001x"));
}

}  // namespace config_test
