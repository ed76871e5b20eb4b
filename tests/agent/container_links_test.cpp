#include "agent/container_links.hpp"

#include <catch2/catch.hpp>

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
