#include "agent/task_secrets.hpp"

namespace berth::agent {
namespace {

using model::Json;

Result<std::string> resolve(const SecretResolver& resolver, const std::string& value_from) {
  if (!resolver) {
    return fail(Code::client, std::string(k_resource_initialization_error) + "this berth resolves no secrets (" +
                                  value_from + ")");
  }
  auto value = resolver(value_from);
  if (!value) return fail(Code::client, std::string(k_resource_initialization_error) + value.error().message);
  return value;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> resolve_container_secrets(const Json& container_definition,
                                                                                   const SecretResolver& resolver) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& secret : container_definition.value("secrets", Json::array())) {
    if (!secret.is_object() || !secret.contains("name") || !secret.contains("valueFrom")) continue;
    BERTH_ASSIGN(std::string value, resolve(resolver, secret["valueFrom"].get<std::string>()));
    env.emplace_back(secret["name"].get<std::string>(), std::move(value));
  }
  return env;
}

Result<std::optional<runtime::RegistryCredentials>> resolve_repository_credentials(const Json& container_definition,
                                                                                   const SecretResolver& resolver) {
  using Credentials = std::optional<runtime::RegistryCredentials>;
  const Json none = Json::object();
  const Json& repository = container_definition.contains("repositoryCredentials")
                               ? container_definition["repositoryCredentials"] : none;
  if (!repository.is_object() || !repository.contains("credentialsParameter")) return Credentials();
  const std::string reference = repository["credentialsParameter"];
  BERTH_ASSIGN(std::string text, resolve(resolver, reference));
  const Json login = Json::parse(text, nullptr, false);
  if (!login.is_object() || !login.contains("username") || !login.contains("password") ||
      !login["username"].is_string() || !login["password"].is_string()) {
    return fail(Code::client, std::string(k_resource_initialization_error) + "the registry credentials in " + reference +
                                  " are not a JSON object with string members username and password");
  }
  return Credentials(runtime::RegistryCredentials{login["username"], login["password"]});
}

bool task_needs_secrets(const Json& td) {
  for (const auto& c : td.value("containerDefinitions", Json::array())) {
    if (!c.value("secrets", Json::array()).empty() || c.contains("repositoryCredentials")) return true;
  }
  return false;
}

}  // namespace berth::agent
