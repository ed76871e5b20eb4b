// An API access key: the SigV4 key pair a client signs with and the policy that says what it may
// do. Plain data.
#pragma once

#include <cstdint>
#include <string>

namespace berth::model {

struct AccessKey {
  std::string access_key_id;    // "AKIA" + 16 characters of [A-Z2-7]
  std::string user_name;        // who the key belongs to: "User: arn:aws:iam::<account>:user/<name>"
  std::string secret;           // the secret access key (40 characters)
  std::string policy_name;      // "admin", "read-only" (built in, current at every start) or "custom"
  std::string policy_document;  // the IAM policy JSON of a custom policy; "" for a built-in one
  std::int64_t created_at = 0;  // ms since the epoch
};

}  // namespace berth::model
