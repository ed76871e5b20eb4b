// Which images the periodic cleanup deletes, as the ECS agent chooses them: images no task
// that has not stopped uses, unused for at least the minimum age, least recently used first,
// at most a number per cycle. Only pulled images: an imported one may be the gateway's only
// copy, with no registry to fetch it from again. Pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/image/image_store.hpp"

namespace berth::runtime {

struct ImageCleanupPolicy {
  EpochMs interval_ms = 30 * 60 * 1000;     // ECS_IMAGE_CLEANUP_INTERVAL
  EpochMs minimum_age_ms = 60 * 60 * 1000;  // ECS_IMAGE_MINIMUM_CLEANUP_AGE
  std::size_t per_cycle = 5;                // ECS_NUM_IMAGES_DELETE_PER_CYCLE
  bool enabled = true;                      // !ECS_DISABLE_IMAGE_CLEANUP
};

// Ids of the images to delete now. `in_use`: ids of images a live task uses. `last_used`:
// when a container last started from an image (id → ms); an image never used counts from
// when it arrived.
std::vector<std::string> images_to_collect(const std::vector<Image>& images, const std::set<std::string>& in_use,
                                           const std::map<std::string, EpochMs>& last_used, EpochMs now,
                                           const ImageCleanupPolicy& policy);

}  // namespace berth::runtime
