// svc's ImageCatalog on this node's runtime: the image store's images, which of them tasks that
// have not stopped use (as the collector and `berth image rm` judge it), and the agent's pulls
// under way. Thread-safe (its parts are).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "runtime/image/image_puller.hpp"
#include "runtime/image/image_store.hpp"
#include "store/store.hpp"
#include "svc/image_catalog.hpp"

namespace berth::cli {

// Ids of the images that tasks which have not stopped run or name; nothing when the tasks cannot
// be read (then no image may be called unused).
std::optional<std::set<std::string>> images_in_use(store::Store& store, runtime::ImageStore& images);

class NodeImageCatalog final : public svc::ImageCatalog {
 public:
  NodeImageCatalog(store::Store& store, runtime::ImageStore& images, runtime::ImagePuller& puller)
      : m_store(store), m_images(images), m_puller(puller) {}

  Result<model::ImageListing> listing() override;

 private:
  store::Store& m_store;
  runtime::ImageStore& m_images;
  runtime::ImagePuller& m_puller;
};

}  // namespace berth::cli
