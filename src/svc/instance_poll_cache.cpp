#include "svc/instance_poll_cache.hpp"

namespace berth::svc {
namespace {

std::string key_of(const std::string& cluster, const std::string& instance_id) { return cluster + "/" + instance_id; }

}  // namespace

std::optional<InstancePollState> InstancePollCache::at(const std::string& cluster, const std::string& instance_id,
                                                       std::uint64_t version) const {
  MutexLock lock(m_mutex);
  const auto found = m_states.find(key_of(cluster, instance_id));
  if (found == m_states.end() || found->second.version != version) return std::nullopt;
  return found->second;
}

void InstancePollCache::record(const std::string& cluster, const std::string& instance_id, InstancePollState state) {
  std::string key = key_of(cluster, instance_id);
  MutexLock lock(m_mutex);
  auto found = m_states.find(key);
  if (found == m_states.end()) {
    if (m_states.size() >= k_max_entries) m_states.clear();
    m_states.emplace(std::move(key), std::move(state));
    return;
  }
  InstancePollState& kept = found->second;
  if (state.version < kept.version) return;
  if (state.version == kept.version && kept.cursor == state.cursor) {
    kept.quiet = kept.quiet || state.quiet;
    return;
  }
  kept = std::move(state);
}

}  // namespace berth::svc
