#include "runtime/image/registry_auth.hpp"

#include "common/base64.hpp"
#include "model/json_parse.hpp"

namespace berth::runtime {

std::string registry_host_of(std::string key) {
  if (const auto scheme = key.find("://"); scheme != std::string::npos) key = key.substr(scheme + 3);
  if (const auto slash = key.find('/'); slash != std::string::npos) key = key.substr(0, slash);
  if (key == "index.docker.io" || key == "registry-1.docker.io" || key == "registry.hub.docker.com") return "docker.io";
  return key;
}

Result<std::map<std::string, RegistryCredentials>> parse_engine_auth(const std::string& type, const std::string& data) {
  std::map<std::string, RegistryCredentials> out;
  if (type.empty() && data.empty()) return out;
  if (type != "docker" && type != "dockercfg") {
    return fail(Code::invalid_parameter, "ECS_ENGINE_AUTH_TYPE must be docker or dockercfg");
  }
  const auto json = model::parse_json(data, "ECS_ENGINE_AUTH_DATA").value_or(model::Json());
  if (!json.is_object()) return fail(Code::invalid_parameter, "ECS_ENGINE_AUTH_DATA must be a JSON object keyed by registry");
  for (const auto& [key, entry] : json.items()) {
    if (!entry.is_object()) return fail(Code::invalid_parameter, "ECS_ENGINE_AUTH_DATA: the entry of " + key + " must be an object");
    RegistryCredentials c;
    if (type == "docker") {
      if (!entry.contains("username") || !entry["username"].is_string() || !entry.contains("password") ||
          !entry["password"].is_string()) {
        return fail(Code::invalid_parameter, "ECS_ENGINE_AUTH_DATA: " + key + " needs username and password (type docker)");
      }
      c.username = entry["username"].get<std::string>();
      c.password = entry["password"].get<std::string>();
    } else {
      const auto decoded = entry.contains("auth") && entry["auth"].is_string()
                               ? base64_decode(entry["auth"].get<std::string>()) : std::nullopt;
      const auto colon = decoded ? decoded->find(':') : std::string::npos;
      if (!decoded || colon == std::string::npos) {
        return fail(Code::invalid_parameter, "ECS_ENGINE_AUTH_DATA: " + key + " needs auth, base64 of user:password (type dockercfg)");
      }
      c.username = decoded->substr(0, colon);
      c.password = decoded->substr(colon + 1);
    }
    out[registry_host_of(key)] = c;
  }
  return out;
}

}  // namespace berth::runtime
