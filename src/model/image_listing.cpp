#include "model/image_listing.hpp"

namespace berth::model {

Json to_json(const ImageListing& listing) {
  Json images = Json::array();
  for (const auto& image : listing.images) {
    Json entry{{"imageId", image.id},
               {"names", image.names},
               {"sizeInBytes", image.size_bytes},
               {"importedAt", static_cast<double>(image.imported_at) / 1000.0},
               {"source", image.pulled ? "pulled" : "imported"}};
    if (listing.in_use_known) entry["inUse"] = image.in_use;
    images.push_back(std::move(entry));
  }
  Json pulls = Json::array();
  for (const auto& pull : listing.pulls) {
    pulls.push_back({{"name", pull.name},
                     {"bytesDone", pull.bytes_done},
                     {"bytesTotal", pull.bytes_total},
                     {"layersDone", pull.layers_done},
                     {"layersTotal", pull.layers_total}});
  }
  return Json{{"images", std::move(images)}, {"pulls", std::move(pulls)}};
}

}  // namespace berth::model
