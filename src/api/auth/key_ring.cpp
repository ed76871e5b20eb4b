#include "api/auth/key_ring.hpp"

#include "common/log.hpp"
#include "svc/access_keys.hpp"

namespace berth::api::auth {
namespace {

// Keys kept in memory: the account's own (at most svc::k_max_access_keys) and one per joined
// instance, whose agent signs a poll every few seconds. Bounded by the count of 100 account keys
// alone, a thousand joined agents' requests read their key and parsed its policy at each call.
// Past the bound, an arbitrary entry makes room (it is read again when next used).
constexpr std::size_t k_max_cached_keys = 4096;

}  // namespace

KeyRing::KeyRing(svc::Context& ctx) : m_ctx(ctx) {}

Result<std::vector<Policy>> KeyRing::policies_of(const std::string& policy_name, const std::string& policy_document) {
  BERTH_ASSIGN(Policy policy, policy_name == "custom" ? parse_policy(policy_document) : builtin_policy(policy_name));
  return std::vector<Policy>{std::move(policy)};
}

std::optional<KeyEntry> KeyRing::find(std::string_view access_key_id) {
  const std::string id(access_key_id);
  std::uint64_t generation = 0;
  {
    MutexLock lock(m_mutex);
    if (const auto it = m_keys.find(id); it != m_keys.end()) return it->second;
    generation = m_generation;
  }
  auto stored = svc::find_access_key(m_ctx, id);
  if (!stored) {
    log_error("API: cannot read access key " + id + ": " + stored.error().message);
    return std::nullopt;
  }
  if (!*stored) return std::nullopt;
  auto policies = policies_of((*stored)->policy_name, (*stored)->policy_document);
  if (!policies) {
    log_error("API: access key " + id + " has an unusable policy: " + policies.error().message);
    return std::nullopt;
  }
  KeyEntry entry{id, (*stored)->user_name, (*stored)->secret,
                 std::make_shared<const std::vector<Policy>>(std::move(*policies))};
  MutexLock lock(m_mutex);
  // A key forgotten while it was being read may be gone: cache only what no change overtook.
  if (generation == m_generation) {
    if (m_keys.size() >= k_max_cached_keys) m_keys.erase(m_keys.begin());
    m_keys.emplace(id, entry);
  }
  return entry;
}

void KeyRing::forget(std::string_view access_key_id) {
  MutexLock lock(m_mutex);
  m_keys.erase(std::string(access_key_id));
  ++m_generation;
}

}  // namespace berth::api::auth
