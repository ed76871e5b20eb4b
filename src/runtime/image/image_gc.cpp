#include "runtime/image/image_gc.hpp"

#include <algorithm>

namespace berth::runtime {

std::vector<std::string> images_to_collect(const std::vector<Image>& images, const std::set<std::string>& in_use,
                                           const std::map<std::string, EpochMs>& last_used, EpochMs now,
                                           const ImageCleanupPolicy& policy) {
  if (!policy.enabled) return {};
  std::vector<std::pair<EpochMs, std::string>> candidates;
  for (const auto& image : images) {
    if (!image.pulled || in_use.contains(image.id)) continue;
    const auto used = last_used.find(image.id);
    const EpochMs since = std::max(image.imported_at, used == last_used.end() ? 0 : used->second);
    if (now - since < policy.minimum_age_ms) continue;
    candidates.emplace_back(since, image.id);
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string> out;
  for (const auto& [since, id] : candidates) {
    if (out.size() == policy.per_cycle) break;
    out.push_back(id);
  }
  return out;
}

}  // namespace berth::runtime
