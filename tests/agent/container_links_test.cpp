#include "agent/container_links.hpp"

#include <catch2/catch.hpp>

namespace container_links_test {

using namespace berth;
using model::Json;
using Variables = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("links: Docker's legacy link variables, at the task's loopback", "[agent][links]") {
  const Json td = Json::parse(R"({"containerDefinitions":[
    {"name":"web","links":["db:main-db","cache"]},
    {"name":"db","portMappings":[{"containerPort":5432},{"containerPort":53,"protocol":"udp"},{"containerPort":53}],
     "environment":[{"name":"POSTGRES_DB","value":"plant"},{"name":"PATH","value":"/x"},{"name":"HOME","value":"/h"}],
     "secrets":[{"name":"POSTGRES_PASSWORD","valueFrom":"arn:aws:secretsmanager:r:1:secret:pw"}]},
    {"name":"cache"}]})");
  CHECK(agent::link_environment(td, td["containerDefinitions"][0]) == Variables{
      {"MAIN_DB_PORT", "tcp://127.0.0.1:53"},
      {"MAIN_DB_PORT_53_TCP", "tcp://127.0.0.1:53"},
      {"MAIN_DB_PORT_53_TCP_ADDR", "127.0.0.1"},
      {"MAIN_DB_PORT_53_TCP_PORT", "53"},
      {"MAIN_DB_PORT_53_TCP_PROTO", "tcp"},
      {"MAIN_DB_PORT_53_UDP", "udp://127.0.0.1:53"},
      {"MAIN_DB_PORT_53_UDP_ADDR", "127.0.0.1"},
      {"MAIN_DB_PORT_53_UDP_PORT", "53"},
      {"MAIN_DB_PORT_53_UDP_PROTO", "udp"},
      {"MAIN_DB_PORT_5432_TCP", "tcp://127.0.0.1:5432"},
      {"MAIN_DB_PORT_5432_TCP_ADDR", "127.0.0.1"},
      {"MAIN_DB_PORT_5432_TCP_PORT", "5432"},
      {"MAIN_DB_PORT_5432_TCP_PROTO", "tcp"},
      {"MAIN_DB_NAME", "/web/main-db"},
      {"MAIN_DB_ENV_POSTGRES_DB", "plant"},  // never PATH, HOME or a secret
      {"CACHE_NAME", "/web/cache"},
  });
  CHECK(agent::link_environment(td, td["containerDefinitions"][1]).empty());
}

TEST_CASE("links: one hosts line per link naming the alias and the target", "[agent][links]") {
  CHECK(agent::link_hosts_lines(Json{{"links", {"db:main-db", "cache"}}}) == "127.0.0.1\tmain-db db\n127.0.0.1\tcache\n");
  CHECK(agent::link_hosts_lines(Json::object()).empty());
}

TEST_CASE("links: a run of consecutive ports gets Docker's _START and _END variables", "[agent][links]") {
  const Json td = Json::parse(R"({"containerDefinitions":[{"name":"web","links":["plc"]},
    {"name":"plc","portMappings":[{"containerPort":8003,"protocol":"udp"},{"containerPortRange":"8000-8002"}]}]})");
  const auto port = [](int number, const char* protocol) {
    const std::string key = "PLC_PORT_" + std::to_string(number) + "_" + (std::string(protocol) == "tcp" ? "TCP" : "UDP");
    const std::string url = std::string(protocol) + "://127.0.0.1:" + std::to_string(number);
    return Variables{{key, url}, {key + "_ADDR", "127.0.0.1"}, {key + "_PORT", std::to_string(number)}, {key + "_PROTO", protocol}};
  };
  Variables expected{{"PLC_PORT", "tcp://127.0.0.1:8000"}};
  for (const auto& part : {port(8000, "tcp"), port(8001, "tcp"), port(8002, "tcp"), port(8003, "udp")}) {
    expected.insert(expected.end(), part.begin(), part.end());
  }
  // The run 8000-8002/tcp ends at 8003/udp, after whose own variables Docker lists it.
  expected.insert(expected.end(), {{"PLC_PORT_8000_TCP_START", "tcp://127.0.0.1:8000"},
                                   {"PLC_PORT_8000_TCP_PORT_START", "8000"},
                                   {"PLC_PORT_8000_TCP_PORT_END", "8002"},
                                   {"PLC_PORT_8000_TCP_END", "tcp://127.0.0.1:8002"},
                                   {"PLC_NAME", "/web/plc"}});
  CHECK(agent::link_environment(td, td["containerDefinitions"][0]) == expected);

  // A run that reaches the last port is listed after it.
  const Json tail = Json::parse(R"({"containerDefinitions":[{"name":"web","links":["plc"]},
    {"name":"plc","portMappings":[{"containerPortRange":"9000-9001","protocol":"udp"}]}]})");
  const auto env = agent::link_environment(tail, tail["containerDefinitions"][0]);
  REQUIRE(env.size() == 1 + 8 + 4 + 1);
  CHECK(env[9] == std::pair<std::string, std::string>{"PLC_PORT_9000_UDP_START", "udp://127.0.0.1:9000"});
  CHECK(env[11] == std::pair<std::string, std::string>{"PLC_PORT_9000_UDP_PORT_END", "9001"});
}

}  // namespace container_links_test
