#include "runtime/image/image_store.hpp"

#include <sys/stat.h>

#include <filesystem>

#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "common/platform.hpp"
#include "common/sha256.hpp"
#include "model/image_reference.hpp"
#include "model/json_parse.hpp"
#include "runtime/image/layer_unpacker.hpp"

namespace berth::runtime {
namespace {

namespace fs = std::filesystem;
using model::Json;

Result<Json> read_json(const std::string& path) {
  BERTH_ASSIGN(auto text, read_file(path));
  auto json = model::parse_json(text, path);
  if (!json) return fail(Code::invalid_parameter, json.error().message);
  return json;
}

// Returns the blob path for "sha256:<hex>" after checking that its content has that digest.
Result<std::string> verified_blob(const std::string& layout, const std::string& digest) {
  if (!digest.starts_with("sha256:") || digest.size() != 71 ||
      digest.find_first_not_of("0123456789abcdef", 7) != std::string::npos) {
    return fail(Code::invalid_parameter, "unsupported digest '" + digest + "'");
  }
  const std::string path = layout + "/blobs/sha256/" + digest.substr(7);
  BERTH_ASSIGN(auto actual, sha256_file(path));
  if ("sha256:" + actual != digest) {
    return fail(Code::invalid_parameter, "blob " + digest + " does not match its digest (got sha256:" + actual + ")");
  }
  return path;
}

std::string canonical_name(const std::string& name) {
  const auto ref = model::parse_image_reference(name);
  return ref ? ref->canonical() : name;
}

std::uint64_t tree_size(const std::string& root) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
  }
  return total;
}

struct ManifestChoice {
  Json manifest;
  std::vector<std::string> names;
};

// Picks, from an OCI index, the manifests for this binary's platform (nested indexes
// followed), with the names their annotations give.
Result<std::vector<ManifestChoice>> oci_manifests(const std::string& layout, const Json& index, int depth = 0) {
  if (depth > 4) return fail(Code::invalid_parameter, "image index nests too deep");
  std::vector<ManifestChoice> out;
  for (const auto& desc : index.value("manifests", Json::array())) {
    const std::string media = desc.value("mediaType", "");
    const auto platform = desc.value("platform", Json::object());
    if (!platform.empty() && platform.value("architecture", "") != std::string(oci_architecture())) continue;
    BERTH_ASSIGN(auto path, verified_blob(layout, desc.value("digest", "")));
    BERTH_ASSIGN(auto blob, read_json(path));
    if (media.find("index") != std::string::npos || media.find("manifest.list") != std::string::npos) {
      BERTH_ASSIGN(auto nested, oci_manifests(layout, blob, depth + 1));
      out.insert(out.end(), nested.begin(), nested.end());
      continue;
    }
    ManifestChoice choice{blob, {}};
    const auto annotations = desc.value("annotations", Json::object());
    if (annotations.contains("io.containerd.image.name")) {
      choice.names.push_back(annotations["io.containerd.image.name"]);
    } else if (annotations.contains("org.opencontainers.image.ref.name")) {
      const std::string ref = annotations["org.opencontainers.image.ref.name"];
      // A bare tag names nothing on its own; a full reference does.
      if (ref.find('/') != std::string::npos || ref.find(':') != std::string::npos) choice.names.push_back(ref);
    }
    out.push_back(std::move(choice));
  }
  return out;
}

// A scratch directory that goes when the import or pull using it ends, however it ends.
struct RemovedOnExit {
  explicit RemovedOnExit(std::string path) : dir(std::move(path)) {}
  RemovedOnExit(const RemovedOnExit&) = delete;
  std::string dir;
  ~RemovedOnExit() {
    auto ignored = remove_all(dir);
    (void)ignored;
  }
};

}  // namespace

Result<std::unique_ptr<ImageStore>> ImageStore::open(const std::string& root, const Clock& clock) {
  BERTH_TRY(make_dirs(root, 0700));
  std::unique_ptr<ImageStore> store(new ImageStore(root, clock));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.path().filename().string().starts_with("tmp-")) fs::remove_all(entry.path(), ec);
  }
  BERTH_TRY(store->load_index());
  return store;
}

void ImageStore::refresh_locked() {
  struct stat st;
  if (::stat((m_root + "/index.json").c_str(), &st) != 0) return;
  if (st.st_mtim.tv_sec == m_index_mtime.tv_sec && st.st_mtim.tv_nsec == m_index_mtime.tv_nsec) return;
  if (auto ok = load_index(); !ok) log_warn("cannot reload the image index: " + ok.error().message);
}

Result<void> ImageStore::load_index() {
  m_images.clear();
  struct stat st;
  if (::stat((m_root + "/index.json").c_str(), &st) == 0) m_index_mtime = st.st_mtim;
  auto text = read_file(m_root + "/index.json");
  if (!text) return text.error().sys_errno == ENOENT ? Result<void>() : Result<void>(std::unexpected(text.error()));
  const Json index = model::parse_json(*text, "index.json").value_or(Json::value_t::discarded);
  if (index.is_discarded()) return fail(Code::server, m_root + "/index.json is corrupt");
  for (const auto& item : index.value("images", Json::array())) {
    Image image;
    image.id = item.value("id", "");
    image.names = item.value("names", std::vector<std::string>{});
    image.size = item.value("size", 0ULL);
    image.imported_at = item.value("importedAt", 0LL);
    image.pulled = item.value("pulled", false);
    image.rootfs = m_root + "/" + image.id.substr(7) + "/rootfs";
    auto config = read_json(m_root + "/" + image.id.substr(7) + "/config.json");
    if (!config) {
      log_warn("image " + image.id + " is incomplete and is skipped: " + config.error().message);
      continue;
    }
    image.config = *config;
    m_images.push_back(std::move(image));
  }
  return {};
}

Result<void> ImageStore::save_index() {
  Json images = Json::array();
  for (const auto& image : m_images) {
    images.push_back({{"id", image.id}, {"names", image.names}, {"size", image.size},
                      {"importedAt", image.imported_at}, {"pulled", image.pulled}});
  }
  BERTH_TRY(write_file_atomic(m_root + "/index.json", Json{{"images", images}}.dump()));
  struct stat st;
  if (::stat((m_root + "/index.json").c_str(), &st) == 0) m_index_mtime = st.st_mtim;
  return {};
}

std::optional<std::size_t> ImageStore::index_of(const std::string& reference) const {
  const std::string canonical = canonical_name(reference);
  for (std::size_t i = 0; i < m_images.size(); ++i) {
    const auto& image = m_images[i];
    if (image.id == reference || image.id.substr(7) == reference) return i;
    for (const auto& name : image.names) {
      if (name == canonical || name == reference) return i;
    }
  }
  return std::nullopt;
}

Result<Image> ImageStore::add_image(const std::string& layout_dir, const Json& config,
                                    const std::vector<std::string>& layer_paths,
                                    const std::vector<std::string>& names, bool pulled) {
  const std::string config_text = config.dump();
  Sha256 hasher;
  hasher.update(config_text);
  const std::string id = "sha256:" + hasher.hex_digest();
  std::vector<std::string> canonical;
  for (const auto& name : names) canonical.push_back(canonical_name(name));
  // Names move to the newest image that claims them, as with docker load.
  for (auto& other : m_images) {
    std::erase_if(other.names, [&](const std::string& n) {
      return other.id != id && std::find(canonical.begin(), canonical.end(), n) != canonical.end();
    });
  }
  if (auto existing = index_of(id)) {
    auto& image = m_images[*existing];
    image.pulled = image.pulled || pulled;  // now also known to a registry: it can be fetched again
    for (const auto& name : canonical) {
      if (std::find(image.names.begin(), image.names.end(), name) == image.names.end()) image.names.push_back(name);
    }
    BERTH_TRY(save_index());
    return image;  // already unpacked: layers are unpacked once
  }
  const std::string dir = m_root + "/" + id.substr(7);
  const std::string scratch = layout_dir + "/rootfs";
  BERTH_TRY(make_dirs(scratch, 0755));
  for (const auto& layer : layer_paths) {
    if (auto ok = apply_layer(layer, scratch); !ok) return std::unexpected(ok.error().wrap("import"));
  }
  BERTH_TRY(remove_all(dir));
  BERTH_TRY(make_dirs(dir, 0700));
  BERTH_TRY(write_file_atomic(dir + "/config.json", config_text));
  if (::rename(scratch.c_str(), (dir + "/rootfs").c_str()) != 0) return sys_fail("rename " + scratch);
  Image image{id, canonical, config, dir + "/rootfs", tree_size(dir + "/rootfs"), m_clock.now_ms(), pulled};
  m_images.push_back(image);
  BERTH_TRY(save_index());
  return image;
}

Result<Image> ImageStore::add_pulled(const Json& config, const std::vector<std::string>& layer_paths,
                                     const std::vector<std::string>& names) {
  std::lock_guard lock(m_mutex);
  refresh_locked();
  const std::string layout = m_root + "/tmp-" + random_hex(8);
  BERTH_TRY(make_dirs(layout, 0700));
  const RemovedOnExit cleanup{layout};
  return add_image(layout, config, layer_paths, names, /*pulled=*/true);
}

Result<std::vector<Image>> ImageStore::import_archive(const std::string& path) {
  std::lock_guard lock(m_mutex);
  refresh_locked();
  const std::string layout = m_root + "/tmp-" + random_hex(8);
  BERTH_TRY(make_dirs(layout + "/archive", 0700));
  const RemovedOnExit cleanup{layout};
  const std::string archive = layout + "/archive";
  if (auto ok = apply_layer(path, archive); !ok) return std::unexpected(ok.error().wrap(path));

  std::vector<Image> imported;
  if (fs::exists(archive + "/oci-layout")) {
    BERTH_ASSIGN(auto index, read_json(archive + "/index.json"));
    BERTH_ASSIGN(auto manifests, oci_manifests(archive, index));
    if (manifests.empty()) {
      return fail(Code::invalid_parameter, path + " has no image for linux/" + std::string(oci_architecture()));
    }
    for (const auto& choice : manifests) {
      BERTH_ASSIGN(auto config_path, verified_blob(archive, choice.manifest["config"].value("digest", "")));
      BERTH_ASSIGN(auto config, read_json(config_path));
      std::vector<std::string> layers;
      for (const auto& layer : choice.manifest.value("layers", Json::array())) {
        BERTH_ASSIGN(auto layer_path, verified_blob(archive, layer.value("digest", "")));
        layers.push_back(layer_path);
      }
      BERTH_ASSIGN(auto image, add_image(layout, config, layers, choice.names, /*pulled=*/false));
      imported.push_back(std::move(image));
    }
    return imported;
  }
  if (fs::exists(archive + "/manifest.json")) {
    BERTH_ASSIGN(auto manifest, read_json(archive + "/manifest.json"));
    for (const auto& item : manifest) {
      const auto within = [&](const std::string& rel) -> Result<std::string> {
        if (rel.empty() || rel.front() == '/' || rel.find("..") != std::string::npos) {
          return fail(Code::invalid_parameter, "manifest.json names a path outside the archive: " + rel);
        }
        return archive + "/" + rel;
      };
      BERTH_ASSIGN(auto config_path, within(item.value("Config", "")));
      BERTH_ASSIGN(auto config, read_json(config_path));
      std::vector<std::string> layers;
      const auto diff_ids = config.value("rootfs", Json::object()).value("diff_ids", Json::array());
      const auto layer_list = item.value("Layers", Json::array());
      if (diff_ids.size() != layer_list.size()) {
        return fail(Code::invalid_parameter, "manifest.json and the image config disagree on the layers");
      }
      for (std::size_t i = 0; i < layer_list.size(); ++i) {
        BERTH_ASSIGN(auto layer_path, within(layer_list[i].get<std::string>()));
        // docker save layers are plain tars named by their diff_id: check the content.
        BERTH_ASSIGN(auto digest, sha256_file(layer_path));
        if ("sha256:" + digest != diff_ids[i].get<std::string>()) {
          return fail(Code::invalid_parameter, "layer " + layer_list[i].get<std::string>() +
                                                   " does not match its diff_id");
        }
        layers.push_back(layer_path);
      }
      BERTH_ASSIGN(auto image, add_image(layout, config, layers, item.value("RepoTags", std::vector<std::string>{}),
                                         /*pulled=*/false));
      imported.push_back(std::move(image));
    }
    return imported;
  }
  return fail(Code::invalid_parameter, path + " is neither an OCI image layout nor a docker save archive");
}

std::optional<Image> ImageStore::find(const std::string& reference) {
  std::lock_guard lock(m_mutex);
  refresh_locked();
  const auto i = index_of(reference);
  if (!i) return std::nullopt;
  return m_images[*i];
}

std::vector<Image> ImageStore::list() {
  std::lock_guard lock(m_mutex);
  refresh_locked();
  return m_images;
}

Result<Image> ImageStore::remove(const std::string& reference,
                                 const std::function<bool(const Image&)>& in_use) {
  std::lock_guard lock(m_mutex);
  refresh_locked();
  const auto i = index_of(reference);
  if (!i) return fail(Code::resource_not_found, "no image named '" + reference + "'");
  Image image = m_images[*i];
  if (in_use(image)) {
    return fail(Code::resource_in_use, "image " + reference + " is used by a task that has not stopped");
  }
  m_images.erase(m_images.begin() + static_cast<std::ptrdiff_t>(*i));
  BERTH_TRY(save_index());
  BERTH_TRY(remove_all(m_root + "/" + image.id.substr(7)));
  return image;
}

}  // namespace berth::runtime
