#include "model/secret.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace berth::model {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::string arn_prefix(const ArnScope& scope, std::string_view service) {
  return "arn:aws:" + std::string(service) + ":" + scope.region + ":" + scope.account + ":";
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

}  // namespace

std::string secret_arn(const ArnScope& scope, std::string_view name, std::string_view suffix) {
  return arn_prefix(scope, "secretsmanager") + "secret:" + std::string(name) + "-" + std::string(suffix);
}

std::string parameter_arn(const ArnScope& scope, std::string_view name) {
  if (name.starts_with('/')) name.remove_prefix(1);
  return arn_prefix(scope, "ssm") + "parameter/" + std::string(name);
}

std::string secret_associated_data(std::string_view arn, std::string_view version_id) {
  return "secret\n" + std::string(arn) + "\n" + std::string(version_id);
}

std::string parameter_associated_data(std::string_view arn, long long version) {
  return "parameter\n" + std::string(arn) + "\n" + std::to_string(version);
}

Result<void> check_secret_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 512 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_alnum(c) || std::string_view("/_+=.@-").find(c) != std::string_view::npos;
  });
  if (!valid) {
    return fail(Code::invalid_parameter,
                "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: "
                "-/_+=.@!");
  }
  return {};
}

Result<void> check_parameter_name(std::string_view name) {
  const auto invalid = [](std::string reason) { return fail(Code::validation, "Parameter name: " + reason); };
  if (name.empty() || name.size() > 1011) return invalid("must be 1 to 1011 characters long.");
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/';
  });
  if (!allowed) return invalid("can contain only letters, numbers and the symbols _.-/ .");
  if (name.find('/') != std::string_view::npos && !name.starts_with('/')) {
    return invalid("a name with a hierarchy must be fully qualified (start with '/').");
  }
  if (name.ends_with('/') || name.find("//") != std::string_view::npos) return invalid("has an empty hierarchy level.");
  if (std::count(name.begin(), name.end(), '/') > 15) return invalid("has more than 15 hierarchy levels.");
  std::string_view first = name.starts_with('/') ? name.substr(1) : name;
  if (starts_with_ignoring_case(first, "aws") || starts_with_ignoring_case(first, "ssm")) {
    return invalid("can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).");
  }
  return {};
}

std::optional<std::string> secret_name_in_arn(const ArnScope& scope, std::string_view arn) {
  const std::string prefix = arn_prefix(scope, "secretsmanager") + "secret:";
  if (!arn.starts_with(prefix) || arn.size() == prefix.size()) return std::nullopt;
  return std::string(arn.substr(prefix.size()));
}

std::optional<std::string> parameter_name_in_arn(const ArnScope& scope, std::string_view arn) {
  const std::string prefix = arn_prefix(scope, "ssm") + "parameter/";
  if (!arn.starts_with(prefix) || arn.size() == prefix.size()) return std::nullopt;
  const std::string rest(arn.substr(prefix.size()));
  return rest.find('/') == std::string::npos ? rest : "/" + rest;
}

}  // namespace berth::model
