// The images of a gateway as GET /v1/images lists them (the dashboard's images view): each
// image with its size, where it came from and whether a task that has not stopped uses it, and
// the pulls under way with their progress; the JSON codec of that route. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct ImageSummary {
  std::string id;                  // "sha256:<config digest>"
  std::vector<std::string> names;  // canonical references
  std::uint64_t size_bytes = 0;    // of the unpacked root
  EpochMs imported_at = 0;
  bool pulled = false;  // from a registry (else imported)
  bool in_use = false;
};

struct ImagePullSummary {
  std::string name;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::size_t layers_done = 0;
  std::size_t layers_total = 0;
};

struct ImageListing {
  std::vector<ImageSummary> images;
  std::vector<ImagePullSummary> pulls;
  bool in_use_known = true;  // false when the tasks could not be read: no image is called unused
};

// {"images": [{"imageId", "names", "sizeInBytes", "importedAt" (epoch seconds), "source"
// ("pulled" or "imported"), "inUse" (absent when unknown)}], "pulls": [{"name", "bytesDone",
// "bytesTotal", "layersDone", "layersTotal"}]}.
Json to_json(const ImageListing& listing);

}  // namespace berth::model
