// Secrets Manager and SSM Parameter Store use cases (the subsets berth serves) and the resolution
// of a container's `valueFrom` to its value. Values are sealed with ctx.secret_cipher before they
// reach the store and opened only for GetSecretValue, GetParameter(s) with decryption and
// container starts; no error message ever carries a value. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "svc/context.hpp"

namespace berth::svc {

// How many secrets and parameters a gateway holds at most (LimitExceededException beyond).
inline constexpr std::size_t k_max_secrets = 10000;
inline constexpr std::size_t k_max_parameters = 10000;

// Secrets Manager (svc/secrets.cpp).
Result<Json> create_secret(Context& ctx, const Json& request);
Result<Json> get_secret_value(Context& ctx, const Json& request);
Result<Json> put_secret_value(Context& ctx, const Json& request);
Result<Json> describe_secret(Context& ctx, const Json& request);
Result<Json> list_secrets(Context& ctx, const Json& request);
Result<Json> delete_secret(Context& ctx, const Json& request);

// SSM Parameter Store (svc/parameters.cpp).
Result<Json> put_parameter(Context& ctx, const Json& request);
Result<Json> get_parameter(Context& ctx, const Json& request);
Result<Json> get_parameters(Context& ctx, const Json& request);
Result<Json> get_parameters_by_path(Context& ctx, const Json& request);
Result<Json> delete_parameter(Context& ctx, const Json& request);

// The plaintext of a secret version or parameter, as container starts need it.
struct SecretValue {
  std::string text;
  bool binary = false;
};

// Returns the current value of the secret `secret_id` names (name, full ARN or ARN without its
// random suffix) at `version_stage` / `version_id` (empty = AWSCURRENT). ResourceNotFoundException
// or InvalidRequestException (scheduled for deletion) as GetSecretValue answers.
[[nodiscard]] Result<SecretValue> read_secret_value(Context& ctx, const std::string& secret_id,
                                                    const std::string& version_stage, const std::string& version_id);
// Returns the decrypted value of the parameter `name` (name, ARN, optionally ":<version>").
// ParameterNotFound / ParameterVersionNotFound.
[[nodiscard]] Result<std::string> read_parameter_value(Context& ctx, const std::string& name);

// Resolves a task definition's `valueFrom` (svc/secret_references.cpp): a Secrets Manager ARN
// (full or partial, optionally `:<json-key>:<version-stage>:<version-id>` selecting a key of a
// JSON secret), an SSM parameter ARN, or a name (a parameter first, as ECS reads names, then a
// secret). Returns the value; on failure an error in ECS's words naming the reference, never a
// value (the agent prefixes "ResourceInitializationError: ...").
[[nodiscard]] Result<std::string> resolve_secret_reference(Context& ctx, std::string_view value_from);

}  // namespace berth::svc
