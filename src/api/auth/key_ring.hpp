// The access keys the API authenticates with, cached in memory: a signed request costs no
// database read once its key is known. Keys change only through this process's use cases; whoever
// listens to the context's StateEvents calls forget() on access_key_deleted, so a deleted key is
// forgotten at once.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/auth/policy.hpp"
#include "common/thread_annotations.hpp"
#include "svc/context.hpp"

namespace berth::api::auth {

struct KeyEntry {
  std::string access_key_id;
  std::string user_name;
  std::string secret;
  std::shared_ptr<const std::vector<Policy>> policies;
};

class KeyRing {
 public:
  // Reads keys through `ctx`, which must outlive the ring.
  explicit KeyRing(svc::Context& ctx);

  // Returns the key `access_key_id`, or nullopt if berth has none (or the store cannot be read,
  // which is logged: an unreadable key authenticates nobody).
  std::optional<KeyEntry> find(std::string_view access_key_id);
  // Drops the cached copy of a key that was changed or deleted.
  void forget(std::string_view access_key_id);

  // Returns the policies `policy_name`/`policy_document` stand for, or InvalidParameterException.
  [[nodiscard]] static Result<std::vector<Policy>> policies_of(const std::string& policy_name,
                                                               const std::string& policy_document);

 private:
  svc::Context& m_ctx;
  Mutex m_mutex;
  std::unordered_map<std::string, KeyEntry> m_keys BERTH_GUARDED_BY(m_mutex);  // at most k_max_cached_keys entries (key_ring.cpp)
  std::uint64_t m_generation BERTH_GUARDED_BY(m_mutex) = 0;                    // counts forget() calls
};

}  // namespace berth::api::auth
