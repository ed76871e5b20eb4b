// The tokens in the task metadata endpoint's URIs (ECS_CONTAINER_METADATA_URI_V4 ends in
// /v4/<token>): "<task id>-<32 hex digits>", the digits an HMAC-SHA256 (truncated to 128 bits) of
// the container's ARN under a key derived from berth's secrets key.
// Why a MAC and not a random value kept with the container: containers outlive berth and hold
// their URI in their environment from the start on, so the token has to stay valid across any
// number of berth restarts. A MAC is derived again from what the task's record already holds, so
// nothing new is stored (no write per container, flash) and there is no moment in which a
// container runs with a token its record does not have yet (berth stopping between the start and
// the write). It is unguessable without the key, and a new secrets key revokes every token.
// Immutable after construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/auth/aes_gcm_cipher.hpp"

namespace berth::api {

class MetadataTokens {
 public:
  // Derives the token key from `secrets_key` with a label of its own, so that no token is ever a
  // MAC under the key that seals secrets.
  explicit MetadataTokens(const auth::SecretKey& secrets_key);

  // Returns the token of container `container_arn` of task `task_id`.
  std::string token_of(const std::string& task_id, const std::string& container_arn) const;
  // Returns whether `token` is the token of `container_arn` of `task_id`, in time that does not
  // depend on where a wrong token differs.
  bool matches(std::string_view token, const std::string& task_id, const std::string& container_arn) const;
  // Returns the task id a token names if it has the form token_of() makes (whether it is genuine
  // is for matches() to say), else nothing.
  static std::optional<std::string> task_id_of(std::string_view token);

 private:
  std::string m_key;
};

}  // namespace berth::api
