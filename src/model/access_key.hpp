// An API access key: the SigV4 key pair a client signs with and the policy that says what it may
// do. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::model {

struct AccessKey {
  std::string access_key_id;    // "AKIA" + 16 characters of [A-Z2-7]
  std::string user_name;        // who the key belongs to: "User: arn:aws:iam::<account>:user/<name>"
  std::string secret;           // the secret access key (40 characters)
  std::string policy_name;      // "admin", "read-only" (built in, current at every start) or "custom"
  std::string policy_document;  // the IAM policy JSON of a custom policy; "" for a built-in one
  std::int64_t created_at = 0;  // ms since the epoch
};

// A container instance's own key (made when its node joins the cluster) belongs to the IAM user
// "ci-<instance id>"; CreateAccessKey refuses such names, so only joining makes them.
inline constexpr std::string_view k_instance_user_prefix = "ci-";
inline bool is_instance_user(std::string_view user_name) { return user_name.starts_with(k_instance_user_prefix); }
inline std::string instance_user(std::string_view instance_id) {
  return std::string(k_instance_user_prefix) + std::string(instance_id);
}
// The instance id an instance user's ARN or name ("...:user/ci-<id>") speaks for, if any.
inline std::optional<std::string> instance_of_caller(std::string_view caller_arn) {
  const auto slash = caller_arn.rfind('/');
  const std::string_view user = slash == std::string_view::npos ? caller_arn : caller_arn.substr(slash + 1);
  if (!is_instance_user(user) || user.size() == k_instance_user_prefix.size()) return std::nullopt;
  return std::string(user.substr(k_instance_user_prefix.size()));
}

}  // namespace berth::model
