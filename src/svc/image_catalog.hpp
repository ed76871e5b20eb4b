// This node's images as the API lists them (GET /v1/images): svc cannot see the runtime's image
// store or puller, so the composition root gives an implementation (cli/node_image_catalog.hpp).
// Implementations are thread-safe: every request thread may ask.
#pragma once

#include "common/result.hpp"
#include "model/image_listing.hpp"

namespace berth::svc {

class ImageCatalog {
 public:
  virtual ~ImageCatalog() = default;
  // The images in the node's store and the pulls under way.
  [[nodiscard]] virtual Result<model::ImageListing> listing() = 0;
};

}  // namespace berth::svc
