// The node's local image store under <data>/images: imported images, each unpacked once into
// a flat read-only root that every container of that image shares (under its own writable
// overlay). An index file maps names to images. Thread-safe (one mutex).
#pragma once

#include <sys/stat.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "model/schema.hpp"

namespace berth::runtime {

struct Image {
  std::string id;                  // "sha256:<config digest>"
  std::vector<std::string> names;  // canonical references
  model::Json config;              // the image config (architecture, config.Env/Cmd/...)
  std::string rootfs;              // absolute path of the flat root
  std::uint64_t size = 0;          // bytes of the unpacked root
  EpochMs imported_at = 0;
  // Pulled from a registry, so it can be fetched again: only such images are collected.
  bool pulled = false;
};

// How far an import is: the archive's bytes read (the bulk of the work: it is unpacked whole
// first), then its layers unpacked into image roots (an image already in the store counts its
// layers done at once).
struct ImportProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // the archive's size
  std::size_t layers_done = 0;
  std::size_t layers_total = 0;  // known once the archive is read; 0 until then
};

class ImageStore {
 public:
  // Opens (creating) the store at `root`; drops half-finished imports of an earlier crash.
  [[nodiscard]] static Result<std::unique_ptr<ImageStore>> open(const std::string& root, const Clock& clock);

  // Imports a `docker save` archive or an OCI image-layout tarball (plain, gzip or zstd layers;
  // blobs verified by digest and declared size; paths confined). The files its metadata names
  // are found inside the archive only (links resolve there, never to the host) and must be
  // regular files. A directory is refused. Returns the images imported. `progress`, when given,
  // is called on this thread as the work goes (after each read of the archive and each layer).
  [[nodiscard]] Result<std::vector<Image>> import_archive(
      const std::string& path, const std::function<void(const ImportProgress&)>& progress = {});

  // Adds an image pulled from a registry under `config`, known by `names` (the reference pulled
  // and its name@digest pin). Unless an image with that config is already there (then only the
  // names are added), `unpack(root)` fills an empty scratch root with the layers, without the
  // store's lock; the image appears only once it succeeded, and on error nothing is left.
  [[nodiscard]] Result<Image> add_pulled(const model::Json& config, const std::vector<std::string>& names,
                                         const std::function<Result<void>(const std::string& root)>& unpack);
  // Where layers that arrive before their turn wait (and a broken pull resumes from).
  std::string blob_dir() const { return m_root + "/blobs"; }
  // Looks an image up by reference ("busybox", "busybox:latest", full name, or id; a name@digest
  // also by the image's id as digest, the pin of an imported image).
  std::optional<Image> find(const std::string& reference);
  std::vector<Image> list();

  // Removes the image named `reference`; `in_use(image)` true refuses with ResourceInUse.
  [[nodiscard]] Result<Image> remove(const std::string& reference,
                                     const std::function<bool(const Image&)>& in_use);

 private:
  ImageStore(std::string root, const Clock& clock) : m_root(std::move(root)), m_clock(clock) {}
  Result<void> load_index() BERTH_REQUIRES(m_mutex);
  // Re-reads the index when another process (`berth image import`) changed it.
  void refresh_locked() BERTH_REQUIRES(m_mutex);
  Result<void> save_index() BERTH_REQUIRES(m_mutex);
  // `layer_done` is called after each layer is unpacked (or at once for each, when the image is
  // already there).
  Result<Image> add_image(const std::string& layout_dir, const model::Json& config,
                          const std::vector<std::string>& layer_paths,
                          const std::vector<std::string>& names, bool pulled,
                          const std::function<void()>& layer_done) BERTH_REQUIRES(m_mutex);
  // Makes the unpacked `scratch` root the image `config` (or, if that image exists, adds the
  // names to it) and saves the index.
  Result<Image> commit_image(const model::Json& config, const std::string& config_text, const std::string& scratch,
                             const std::vector<std::string>& names, bool pulled) BERTH_REQUIRES(m_mutex);
  // The id of the image whose config serializes to `config_text`.
  static std::string image_id(const std::string& config_text);
  std::optional<std::size_t> index_of(const std::string& reference) const BERTH_REQUIRES(m_mutex);

  std::string m_root;
  const Clock& m_clock;
  Mutex m_mutex;
  std::vector<Image> m_images BERTH_GUARDED_BY(m_mutex);
  struct timespec m_index_mtime BERTH_GUARDED_BY(m_mutex) {};
};

}  // namespace berth::runtime
