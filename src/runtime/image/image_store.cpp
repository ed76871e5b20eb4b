#include "runtime/image/image_store.hpp"

#include <sys/stat.h>

#include <filesystem>

#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "common/platform.hpp"
#include "common/sha256.hpp"
#include "model/image_reference.hpp"
#include "runtime/image/archive_member.hpp"
#include "runtime/image/image_manifest.hpp"
#include "model/json_parse.hpp"
#include "runtime/image/layer_unpacker.hpp"
#include "runtime/image/tar_reader.hpp"

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

// Bounds for the JSON files of an archive (manifest.json, index.json, manifests, configs).
constexpr std::uint64_t k_max_metadata_bytes = 4u << 20;

// Returns the archive member `relative` parsed as JSON.
Result<Json> member_json(const std::string& archive, const std::string& relative) {
  BERTH_ASSIGN(auto text, read_archive_member(archive, relative, k_max_metadata_bytes));
  return parse_metadata_json(text, relative);
}

// Returns the path of the blob `desc` names after checking its size and digest.
Result<std::string> verified_blob(const std::string& archive, const Descriptor& desc) {
  if (!is_sha256_digest(desc.digest)) return fail(Code::invalid_parameter, "unsupported digest '" + desc.digest + "'");
  BERTH_ASSIGN(auto member, find_archive_member(archive, "blobs/sha256/" + desc.digest.substr(7)));
  if (member.size != desc.size) {
    return fail(Code::invalid_parameter, "blob " + desc.digest + " has " + std::to_string(member.size) +
                                             " bytes where its descriptor says " + std::to_string(desc.size));
  }
  BERTH_ASSIGN(auto actual, sha256_file(member.path));
  if ("sha256:" + actual != desc.digest) {
    return fail(Code::invalid_parameter, "blob " + desc.digest + " does not match its digest (got sha256:" + actual + ")");
  }
  return member.path;
}

// Returns the blob `desc` names parsed as JSON, after checking it.
Result<Json> blob_json(const std::string& archive, const Descriptor& desc) {
  if (desc.size > k_max_metadata_bytes) return fail(Code::invalid_parameter, "blob " + desc.digest + " is too large for metadata");
  BERTH_ASSIGN(auto path, verified_blob(archive, desc));
  return member_json(archive, path.substr(archive.size() + 1));
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
  ImageManifest manifest;
  std::vector<std::string> names;
};

// Picks, from an OCI layout's index, the manifests for this binary's platform with the names
// their annotations give: each top-level entry is an image; a nested index gives its best match.
Result<std::vector<ManifestChoice>> oci_manifests(const std::string& archive, const ImageIndex& index, int depth = 0) {
  if (depth > 4) return fail(Code::invalid_parameter, "image index nests too deep");
  const Platform host = build_platform();
  std::vector<ManifestChoice> out;
  for (const auto& desc : index.manifests) {
    if (desc.platform && (desc.platform->architecture != host.architecture ||
                          (!desc.platform->os.empty() && desc.platform->os != host.os))) {
      continue;
    }
    BERTH_ASSIGN(auto blob, blob_json(archive, desc));
    if (is_index_media_type(desc.media_type)) {
      BERTH_ASSIGN(auto nested, decode_image_index(blob));
      const auto chosen = choose_platform(nested.manifests, host);
      if (!chosen) continue;
      ImageIndex best{{nested.manifests[*chosen]}};
      if (best.manifests[0].ref_name.empty()) best.manifests[0].ref_name = desc.ref_name;
      BERTH_ASSIGN(auto picked, oci_manifests(archive, best, depth + 1));
      out.insert(out.end(), picked.begin(), picked.end());
      continue;
    }
    BERTH_ASSIGN(auto manifest, decode_image_manifest(blob));
    ManifestChoice choice{std::move(manifest), {}};
    if (!desc.ref_name.empty()) choice.names.push_back(desc.ref_name);
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
  {
    MutexLock lock(store->m_mutex);  // not shared yet, but load_index needs the lock held
    BERTH_TRY(store->load_index());
  }
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
  // name@<image id>: an imported image pinned by the id its containers report as imageDigest.
  const auto parsed = model::parse_image_reference(reference);
  const std::string pinned_id = parsed ? parsed->digest : "";
  for (std::size_t i = 0; i < m_images.size(); ++i) {
    const auto& image = m_images[i];
    if (image.id == reference || image.id.substr(7) == reference || image.id == pinned_id) return i;
    for (const auto& name : image.names) {
      if (name == canonical || name == reference) return i;
    }
  }
  return std::nullopt;
}

std::string ImageStore::image_id(const std::string& config_text) {
  Sha256 hasher;
  hasher.update(config_text);
  return "sha256:" + hasher.hex_digest();
}

Result<Image> ImageStore::add_image(const std::string& layout_dir, const Json& config,
                                    const std::vector<std::string>& layer_paths,
                                    const std::vector<std::string>& names, bool pulled,
                                    const std::function<void()>& layer_done) {
  const std::string config_text = config.dump();
  const std::string scratch = layout_dir + "/rootfs";
  if (!index_of(image_id(config_text))) {  // layers are unpacked once
    BERTH_TRY(make_dirs(scratch, 0755));
    for (const auto& layer : layer_paths) {
      if (auto ok = apply_layer(layer, scratch); !ok) return std::unexpected(ok.error().wrap("import"));
      layer_done();
    }
  } else {
    for (std::size_t i = 0; i < layer_paths.size(); ++i) layer_done();
  }
  return commit_image(config, config_text, scratch, names, pulled);
}

Result<Image> ImageStore::commit_image(const Json& config, const std::string& config_text, const std::string& scratch,
                                       const std::vector<std::string>& names, bool pulled) {
  const std::string id = image_id(config_text);
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
    return image;  // already unpacked: the scratch root (if any) goes with its layout
  }
  const std::string dir = m_root + "/" + id.substr(7);
  BERTH_TRY(remove_all(dir));
  BERTH_TRY(make_dirs(dir, 0700));
  BERTH_TRY(write_file_atomic(dir + "/config.json", config_text));
  if (::rename(scratch.c_str(), (dir + "/rootfs").c_str()) != 0) return sys_fail("rename " + scratch);
  Image image{id, canonical, config, dir + "/rootfs", tree_size(dir + "/rootfs"), m_clock.now_ms(), pulled};
  m_images.push_back(image);
  BERTH_TRY(save_index());
  return image;
}

Result<Image> ImageStore::add_pulled(const Json& config, const std::vector<std::string>& names,
                                     const std::function<Result<void>(const std::string& root)>& unpack) {
  const std::string config_text = config.dump();
  {
    MutexLock lock(m_mutex);
    refresh_locked();
    if (index_of(image_id(config_text))) return commit_image(config, config_text, "", names, /*pulled=*/true);
  }
  // Unpacked without the lock (the download is in it): lookups and other pulls go on meanwhile.
  // The scratch root is this pull's alone and becomes visible only in commit_image; whatever
  // fails before leaves nothing but the scratch directory, which goes here (or, after a crash,
  // at the next open()).
  const std::string layout = m_root + "/tmp-" + random_hex(8);
  BERTH_TRY(make_dirs(layout + "/rootfs", 0755));
  const RemovedOnExit cleanup{layout};
  BERTH_TRY(unpack(layout + "/rootfs"));
  MutexLock lock(m_mutex);
  refresh_locked();
  return commit_image(config, config_text, layout + "/rootfs", names, /*pulled=*/true);
}

Result<std::vector<Image>> ImageStore::import_archive(const std::string& path,
                                                      const std::function<void(const ImportProgress&)>& progress) {
  MutexLock lock(m_mutex);
  refresh_locked();
  const std::string layout = m_root + "/tmp-" + random_hex(8);
  BERTH_TRY(make_dirs(layout + "/archive", 0700));
  const RemovedOnExit cleanup{layout};
  const std::string archive = layout + "/archive";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return fail(Code::invalid_parameter, path + " is a directory: import takes a tar archive (`docker save`, or an OCI "
                                                "layout packed with `tar -cf image.tar -C DIR .`)");
  }
  ImportProgress done{.bytes_total = static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0))};
  const auto report = [&] {
    if (progress) progress(done);
  };
  const auto layer_done = [&] {
    ++done.layers_done;
    report();
  };
  // Unpacked as a layer is: confined, no device nodes; members are then found inside it only.
  // Its bytes are counted as they are read.
  auto source = file_source(path);
  if (!source) return std::unexpected(source.error().wrap(path));
  auto reader = TarReader::from_stream(
      [&, read = std::move(*source)](char* out, std::size_t n) -> Result<std::size_t> {
        BERTH_ASSIGN(const std::size_t got, read(out, n));
        done.bytes_done += got;
        report();
        return got;
      },
      path);
  if (auto ok = apply_layer(reader, archive); !ok) return std::unexpected(ok.error().wrap(path));
  // The reader stops at the end-of-archive blocks; what follows is the tar's record padding.
  done.bytes_done = std::max(done.bytes_done, done.bytes_total);
  report();

  std::vector<Image> imported;
  if (has_archive_member(archive, "oci-layout")) {
    BERTH_ASSIGN(auto index_json, member_json(archive, "index.json"));
    BERTH_ASSIGN(auto index, decode_image_index(index_json));
    BERTH_ASSIGN(auto manifests, oci_manifests(archive, index));
    if (manifests.empty()) {
      return fail(Code::invalid_parameter, path + " has no image for linux/" + std::string(oci_architecture()));
    }
    for (const auto& choice : manifests) done.layers_total += choice.manifest.layers.size();
    report();
    for (const auto& choice : manifests) {
      BERTH_ASSIGN(auto config, blob_json(archive, choice.manifest.config));
      BERTH_TRY(decode_image_config(config));
      std::vector<std::string> layers;
      for (const auto& layer : choice.manifest.layers) {
        BERTH_ASSIGN(auto layer_path, verified_blob(archive, layer));
        layers.push_back(layer_path);
      }
      BERTH_ASSIGN(auto image, add_image(layout, config, layers, choice.names, /*pulled=*/false, layer_done));
      imported.push_back(std::move(image));
    }
    return imported;
  }
  if (has_archive_member(archive, "manifest.json")) {
    BERTH_ASSIGN(auto manifest_json, member_json(archive, "manifest.json"));
    BERTH_ASSIGN(auto manifest, decode_docker_archive_manifest(manifest_json));
    for (const auto& item : manifest) done.layers_total += item.layers.size();
    report();
    for (const auto& item : manifest) {
      BERTH_ASSIGN(auto config, member_json(archive, item.config));
      BERTH_ASSIGN(auto diff_ids, decode_image_config(config));
      if (diff_ids.size() != item.layers.size()) {
        return fail(Code::invalid_parameter, "manifest.json and the image config disagree on the layers");
      }
      std::vector<std::string> layers;
      for (std::size_t i = 0; i < item.layers.size(); ++i) {
        BERTH_ASSIGN(auto layer, find_archive_member(archive, item.layers[i]));
        // docker save layers are plain tars named by their diff_id: check the content.
        BERTH_ASSIGN(auto digest, sha256_file(layer.path));
        if ("sha256:" + digest != diff_ids[i]) {
          return fail(Code::invalid_parameter, "layer " + item.layers[i] + " does not match its diff_id");
        }
        layers.push_back(layer.path);
      }
      BERTH_ASSIGN(auto image, add_image(layout, config, layers, item.repo_tags, /*pulled=*/false, layer_done));
      imported.push_back(std::move(image));
    }
    return imported;
  }
  return fail(Code::invalid_parameter, path + " is neither an OCI image layout nor a docker save archive");
}

std::optional<Image> ImageStore::find(const std::string& reference) {
  MutexLock lock(m_mutex);
  refresh_locked();
  const auto i = index_of(reference);
  if (!i) return std::nullopt;
  return m_images[*i];
}

std::vector<Image> ImageStore::list() {
  MutexLock lock(m_mutex);
  refresh_locked();
  return m_images;
}

Result<Image> ImageStore::remove(const std::string& reference,
                                 const std::function<bool(const Image&)>& in_use) {
  MutexLock lock(m_mutex);
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
