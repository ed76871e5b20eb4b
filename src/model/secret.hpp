// Secrets Manager secrets and SSM parameters as berth stores them: names, descriptions and tags
// in plain text, values only as sealed bytes (svc seals and opens them). Name rules and ARNs as
// AWS has them. Plain values; pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

inline constexpr std::string_view k_stage_current = "AWSCURRENT";
inline constexpr std::string_view k_stage_previous = "AWSPREVIOUS";
// AWS's limits: a secret value (SecretString or SecretBinary) and parameter values per tier.
inline constexpr std::size_t k_max_secret_value_bytes = 65536;
inline constexpr std::size_t k_max_standard_parameter_bytes = 4096;
inline constexpr std::size_t k_max_advanced_parameter_bytes = 8192;
// SSM keeps 100 versions of a parameter; older ones are dropped as new ones come.
inline constexpr long long k_max_parameter_versions = 100;

struct Secret {
  std::string name;
  std::string arn;
  std::string description;
  std::string kms_key_id;
  Json tags = Json::array();                // [{"Key","Value"}], plain text
  EpochMs created_at = 0;
  EpochMs changed_at = 0;
  std::optional<EpochMs> deletion_date;     // scheduled for deletion at this time
};

struct SecretVersion {
  std::string version_id;
  std::string stage;                        // AWSCURRENT, AWSPREVIOUS
  bool binary = false;                      // SecretBinary rather than SecretString
  EpochMs created_at = 0;
  std::string sealed;                       // the value, sealed with secret_associated_data()
};

struct Parameter {
  std::string name;
  std::string type;                         // String, StringList, SecureString
  std::string description;
  std::string tier = "Standard";
  std::string data_type = "text";
  long long version = 0;
  EpochMs modified_at = 0;
  Json tags = Json::array();
};

struct ParameterVersion {
  long long version = 0;
  std::string type;
  std::string description;
  EpochMs modified_at = 0;
  std::string sealed;                       // sealed with parameter_associated_data()
};

// arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>
std::string secret_arn(const ArnScope& scope, std::string_view name, std::string_view suffix);
// arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>
std::string parameter_arn(const ArnScope& scope, std::string_view name);

// What a sealed value is bound to, so that no sealed value can be moved to another secret,
// parameter or version and still open.
std::string secret_associated_data(std::string_view arn, std::string_view version_id);
std::string parameter_associated_data(std::string_view arn, long long version);

// Secrets Manager's name rule: 1–512 of ASCII letters, digits and /_+=.@-. InvalidParameterException.
[[nodiscard]] Result<void> check_secret_name(std::string_view name);
// SSM's name rule: letters, digits and _.-/ ; 1–1011 characters; a name with '/' starts with
// one; at most 15 levels; no aws/ssm prefix. ValidationException.
[[nodiscard]] Result<void> check_parameter_name(std::string_view name);

// The secret name an ARN of this scope names ("<name>-<6 chars>" or the partial "<name>"), or
// nothing for another service, region or account.
std::optional<std::string> secret_name_in_arn(const ArnScope& scope, std::string_view arn);
// The parameter name an SSM parameter ARN of this scope names ("/a/b" or "a"), or nothing.
std::optional<std::string> parameter_name_in_arn(const ArnScope& scope, std::string_view arn);

}  // namespace berth::model
