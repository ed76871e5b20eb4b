// valueFrom → value for container starts, with ECS's error wording. Messages name the reference
// (which is in the task definition anyway), never a value.
#include "common/split.hpp"
#include "model/schema.hpp"
#include "svc/secrets.hpp"

namespace berth::svc {
namespace {

constexpr std::string_view k_secrets_manager_arn = "arn:aws:secretsmanager:";
constexpr std::string_view k_ssm_arn = "arn:aws:ssm:";

Error from_secrets_manager(const std::string& reference, const Error& error) {
  return Error{error.code, "unable to retrieve secret from asm: failed to fetch secret " + reference +
                               " from secrets manager: " + std::string(code_name(error.code)) + ": " + error.message};
}

Error from_ssm(const std::string& name, const Error& error) {
  const bool missing = error.code == Code::parameter_not_found || error.code == Code::parameter_version_not_found;
  return Error{error.code, "unable to retrieve secrets from ssm: " +
                               (missing ? "InvalidParameters: " + name
                                        : std::string(code_name(error.code)) + ": " + error.message)};
}

// arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>]
Result<std::string> resolve_secret_arn(Context& ctx, std::string_view value_from) {
  const std::string text(value_from);
  const auto marker = text.find(":secret:");
  if (marker == std::string::npos) {
    return fail(Code::resource_not_found, "unable to retrieve secret from asm: " + text + " is not a secret ARN");
  }
  const auto parts = split(std::string_view(text).substr(marker + 8), ':');
  if (parts.size() > 4 || parts[0].empty()) {
    return fail(Code::invalid_parameter, "unable to retrieve secret from asm: " + text + " is not a secret ARN");
  }
  const std::string secret_id = text.substr(0, marker + 8) + std::string(parts[0]);
  const std::string json_key(parts.size() > 1 ? parts[1] : "");
  const std::string stage(parts.size() > 2 ? parts[2] : "");
  const std::string version_id(parts.size() > 3 ? parts[3] : "");
  auto value = read_secret_value(ctx, secret_id, stage, version_id);
  if (!value) return std::unexpected(from_secrets_manager(secret_id, value.error()));
  if (json_key.empty()) return std::move(value->text);
  const model::Json document = model::Json::parse(value->text, nullptr, false);
  const auto it = document.is_object() ? document.find(json_key) : document.end();
  if (!document.is_object() || it == document.end()) {
    return fail(Code::resource_not_found,
                "unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key " +
                    json_key);
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

Result<std::string> resolve_secret_reference(Context& ctx, std::string_view value_from) {
  if (value_from.starts_with(k_secrets_manager_arn)) return resolve_secret_arn(ctx, value_from);
  const std::string text(value_from);
  auto parameter = read_parameter_value(ctx, text);
  if (parameter || value_from.starts_with(k_ssm_arn)) {
    if (!parameter) return std::unexpected(from_ssm(text, parameter.error()));
    return parameter;
  }
  // A plain name that is no parameter: a secret of that name, as a convenience on a gateway.
  if (parameter.error().code != Code::parameter_not_found && parameter.error().code != Code::validation) {
    return std::unexpected(from_ssm(text, parameter.error()));
  }
  auto secret = read_secret_value(ctx, text, "", "");
  if (secret) return std::move(secret->text);
  if (secret.error().code == Code::resource_not_found) return std::unexpected(from_ssm(text, parameter.error()));
  return std::unexpected(from_secrets_manager(text, secret.error()));
}

}  // namespace berth::svc
