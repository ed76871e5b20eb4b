// Secrets of tasks on a joined gateway: the serving gateway, which holds the secrets store,
// resolves the references of the tasks placed on an instance that still have containers to start,
// and lists the values in that instance's poll reply ("secrets"), over its signed TLS channel;
// the agent keeps them in memory only (agent/served_secrets.hpp). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// One reference and its value, or why the server could not resolve it (the message names the
// reference only, as the local resolver's do).
struct ServedSecret {
  std::string value_from;
  std::optional<std::string> value;
  std::string error;  // when there is no value
};

// References one reply carries at most (a task definition has at most 10 containers, each with a
// handful of secrets; an instance runs tens of tasks).
inline constexpr std::size_t k_max_served_secrets = 512;

// The references the agent resolves when it starts task definition `td`'s containers: each
// container's `secrets[].valueFrom`, `repositoryCredentials.credentialsParameter` and
// environmentFiles held in a secret (RunTask overrides take no environmentFiles). In order, once each.
std::vector<std::string> secret_references_of(const Json& td);

// The poll reply's "secrets" member ([{"valueFrom", "value"} or {"valueFrom", "error"}]) and back
// (ServerException for a malformed one).
Json served_secrets_to_json(const std::vector<ServedSecret>& secrets);
[[nodiscard]] Result<std::vector<ServedSecret>> served_secrets_from_json(const Json& json);

}  // namespace berth::model
