#include "api/metadata_token.hpp"

#include <algorithm>

#include "api/auth/digest.hpp"

namespace berth::api {
namespace {

constexpr std::string_view k_key_label = "berth task metadata endpoint token v1";
constexpr std::size_t k_task_id_chars = 32;
constexpr std::size_t k_mac_hex_chars = 32;  // 128 bits

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

MetadataTokens::MetadataTokens(const auth::SecretKey& secrets_key) {
  const auth::Digest derived = auth::hmac_sha256(
      std::string_view(reinterpret_cast<const char*>(secrets_key.data()), secrets_key.size()), k_key_label);
  m_key.assign(derived.begin(), derived.end());
}

std::string MetadataTokens::token_of(const std::string& task_id, const std::string& container_arn) const {
  return task_id + "-" + auth::to_hex(auth::hmac_sha256(m_key, container_arn)).substr(0, k_mac_hex_chars);
}

bool MetadataTokens::matches(std::string_view token, const std::string& task_id,
                             const std::string& container_arn) const {
  return auth::constant_time_equal(token, token_of(task_id, container_arn));
}

std::optional<std::string> MetadataTokens::task_id_of(std::string_view token) {
  if (token.size() != k_task_id_chars + 1 + k_mac_hex_chars || token[k_task_id_chars] != '-') return std::nullopt;
  const std::string_view task_id = token.substr(0, k_task_id_chars);
  if (!is_lower_hex(task_id) || !is_lower_hex(token.substr(k_task_id_chars + 1))) return std::nullopt;
  return std::string(task_id);
}

}  // namespace berth::api
