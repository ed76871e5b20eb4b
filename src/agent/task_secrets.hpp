// A container's `secrets` and `repositoryCredentials`, resolved at container start through the
// resolver the composition root injects (the agent cannot see the secrets store). Values go only
// into the container's environment and the pull's login; errors carry ECS's
// ResourceInitializationError wording and never a value. Pure apart from the resolver; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"
#include "runtime/image/registry_client.hpp"

namespace berth::agent {

// valueFrom → value (Secrets Manager or SSM reference); errors name the reference only.
using SecretResolver = std::function<Result<std::string>(const std::string& value_from)>;

// ECS's prefix for a task that could not fetch its secrets or registry login.
inline constexpr std::string_view k_resource_initialization_error =
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

// The environment variables (name, value) the container definition's `secrets` resolve to.
// ClientException with a ResourceInitializationError message if one cannot be resolved (or there
// is no resolver).
[[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> resolve_container_secrets(
    const model::Json& container_definition, const SecretResolver& resolver);

// The registry login repositoryCredentials.credentialsParameter names (a secret holding
// {"username","password"}), or nothing if the definition has none. Errors as above.
[[nodiscard]] Result<std::optional<runtime::RegistryCredentials>> resolve_repository_credentials(
    const model::Json& container_definition, const SecretResolver& resolver);

// Whether any container of task definition `td` takes secrets or repository credentials.
bool task_needs_secrets(const model::Json& td);

}  // namespace berth::agent
