// Registry credentials configured as the ECS agent takes them: ECS_ENGINE_AUTH_TYPE `docker`
// ({"registry": {"username", "password"}}) or `dockercfg` ({"registry": {"auth": base64
// "user:password"}}). An ECR-style `AWS:<token>` pair is basic credentials like any other.
// Pure.
#pragma once

#include <map>
#include <string>

#include "common/result.hpp"
#include "runtime/image/registry_client.hpp"

namespace berth::runtime {

// Parses the configuration into credentials by registry host ("docker.io" for Docker Hub's
// spellings). InvalidParameterException naming the key on a bad value, never its content.
[[nodiscard]] Result<std::map<std::string, RegistryCredentials>> parse_engine_auth(const std::string& type,
                                                                                   const std::string& data);

// The registry host a configuration key names: "https://index.docker.io/v1/" → "docker.io",
// "https://registry.example:5000" → "registry.example:5000".
std::string registry_host_of(std::string key);

}  // namespace berth::runtime
