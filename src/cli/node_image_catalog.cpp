#include "cli/node_image_catalog.hpp"

#include "agent/image_policy.hpp"

namespace berth::cli {

std::optional<std::set<std::string>> images_in_use(store::Store& store, runtime::ImageStore& images) {
  store::TaskQuery query;
  query.not_stopped = true;
  query.limit = 100000;
  auto tasks = store.list_tasks(query);
  if (!tasks) return std::nullopt;
  return agent::images_in_use(images, *tasks);
}

Result<model::ImageListing> NodeImageCatalog::listing() {
  model::ImageListing out;
  // Worked out before list(): both take the image store's lock, one at a time.
  const auto in_use = images_in_use(m_store, m_images);
  out.in_use_known = in_use.has_value();
  for (const auto& image : m_images.list()) {
    out.images.push_back({.id = image.id,
                          .names = image.names,
                          .size_bytes = image.size,
                          .imported_at = image.imported_at,
                          .pulled = image.pulled,
                          .in_use = in_use && in_use->contains(image.id)});
  }
  for (const auto& pull : m_puller.running()) {
    out.pulls.push_back({pull.name, pull.progress.bytes_done, pull.progress.bytes_total, pull.progress.layers_done,
                         pull.progress.layers_total});
  }
  return out;
}

}  // namespace berth::cli
