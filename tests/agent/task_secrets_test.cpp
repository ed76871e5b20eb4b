#include "agent/task_secrets.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace task_secrets_test {

using namespace berth;
using model::Json;

namespace {

agent::SecretResolver resolver_of(std::map<std::string, std::string> values) {
  return [values](const std::string& value_from) -> Result<std::string> {
    const auto it = values.find(value_from);
    if (it == values.end()) return fail(Code::resource_not_found, "no such reference " + value_from);
    return it->second;
  };
}

}  // namespace

TEST_CASE("a container's secrets resolve into environment variables", "[secrets][agent]") {
  const Json def = Json::parse(R"({"name":"app","secrets":[{"name":"DB_PASSWORD","valueFrom":"/prod/db"},
                                                          {"name":"TOKEN","valueFrom":"token"}]})");
  auto env = agent::resolve_container_secrets(def, resolver_of({{"/prod/db", "pw1"}, {"token", "t0k"}}));
  REQUIRE(env.has_value());
  REQUIRE(env->size() == 2);
  CHECK((*env)[0] == std::pair<std::string, std::string>{"DB_PASSWORD", "pw1"});
  CHECK((*env)[1] == std::pair<std::string, std::string>{"TOKEN", "t0k"});

  SECTION("a missing one fails with ECS's ResourceInitializationError") {
    auto failed = agent::resolve_container_secrets(def, resolver_of({{"/prod/db", "pw1"}}));
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().message.starts_with(agent::k_resource_initialization_error));
    CHECK(failed.error().message.find("token") != std::string::npos);
    CHECK(failed.error().message.find("pw1") == std::string::npos);
  }
  SECTION("without a resolver, a task with secrets cannot start") {
    CHECK_FALSE(agent::resolve_container_secrets(def, {}).has_value());
  }
}

TEST_CASE("repositoryCredentials resolve into a registry login", "[secrets][agent]") {
  const Json def = Json::parse(R"({"name":"app","repositoryCredentials":{"credentialsParameter":"reg"}})");
  auto login = agent::resolve_repository_credentials(def, resolver_of({{"reg", R"({"username":"u","password":"p4ss"})"}}));
  REQUIRE(login.has_value());
  REQUIRE(login->has_value());
  CHECK((*login)->username == "u");
  CHECK((*login)->password == "p4ss");

  auto none = agent::resolve_repository_credentials(Json::parse(R"({"name":"app"})"), {});
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  auto not_json = agent::resolve_repository_credentials(def, resolver_of({{"reg", "u:p4ss"}}));
  REQUIRE_FALSE(not_json.has_value());
  CHECK(not_json.error().message.find("p4ss") == std::string::npos);
  CHECK(not_json.error().message.starts_with(agent::k_resource_initialization_error));

  CHECK(agent::task_needs_secrets(Json{{"containerDefinitions", Json::array({def})}}));
  CHECK_FALSE(agent::task_needs_secrets(Json{{"containerDefinitions", Json::array({Json{{"name", "x"}}})}}));
}

}  // namespace task_secrets_test
