#include "runtime/image/image_manifest.hpp"

#include "model/json_parse.hpp"

namespace berth::runtime {
namespace {

using model::Json;

std::unexpected<Error> invalid(const std::string& message) { return fail(Code::invalid_parameter, message); }

// The member `key` of `object` when it is a string; "" when absent; an error for another type.
Result<std::string> optional_string(const Json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return std::string();
  if (!it->is_string()) return invalid(where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

// An array of strings, absent or null being empty (Docker writes "Entrypoint": null).
Result<std::vector<std::string>> optional_strings(const Json& object, const char* key, const std::string& where,
                                                  std::size_t max) {
  std::vector<std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid(where + ": \"" + key + "\" is not a list");
  if (it->size() > max) return invalid(where + ": \"" + key + "\" has more than " + std::to_string(max) + " entries");
  for (const auto& item : *it) {
    if (!item.is_string()) return invalid(where + ": \"" + key + "\" holds a value that is not a string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The member `key` when it is an object; an empty object when absent.
Result<Json> optional_object(const Json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return Json::object();
  if (!it->is_object()) return invalid(where + ": \"" + key + "\" is not an object");
  return *it;
}

// The member `key` when it is an array of at most `max` entries; empty when absent.
Result<Json> optional_array(const Json& object, const char* key, const std::string& where, std::size_t max) {
  const auto it = object.find(key);
  if (it == object.end()) return Json::array();
  if (!it->is_array()) return invalid(where + ": \"" + key + "\" is not a list");
  if (it->size() > max) return invalid(where + ": \"" + key + "\" has more than " + std::to_string(max) + " entries");
  return *it;
}

Result<Platform> decode_platform(const Json& json, const std::string& where) {
  if (!json.is_object()) return invalid(where + ": \"platform\" is not an object");
  Platform p;
  BERTH_ASSIGN(p.os, optional_string(json, "os", where));
  BERTH_ASSIGN(p.architecture, optional_string(json, "architecture", where));
  BERTH_ASSIGN(p.variant, optional_string(json, "variant", where));
  return p;
}

Result<Descriptor> decode_descriptor(const Json& json, const std::string& where) {
  if (!json.is_object()) return invalid(where + " is not an object");
  Descriptor d;
  BERTH_ASSIGN(d.media_type, optional_string(json, "mediaType", where));
  BERTH_ASSIGN(d.digest, optional_string(json, "digest", where));
  const auto size = json.find("size");
  if (size != json.end()) {
    if (!size->is_number_unsigned() && !(size->is_number_integer() && size->get<std::int64_t>() >= 0)) {
      return invalid(where + ": \"size\" is not a non-negative integer");
    }
    d.size = size->get<std::uint64_t>();
    if (d.size > k_max_blob_size) return invalid(where + ": \"size\" is beyond any image's");
  }
  const auto platform = json.find("platform");
  if (platform != json.end() && !(platform->is_object() && platform->empty())) {
    BERTH_ASSIGN(d.platform, decode_platform(*platform, where));
  }
  BERTH_ASSIGN(auto annotations, optional_object(json, "annotations", where));
  // containerd's full name first; an OCI ref.name names an image only as a full reference
  // (a bare tag such as "latest" names nothing on its own).
  BERTH_ASSIGN(auto containerd_name, optional_string(annotations, "io.containerd.image.name", where));
  BERTH_ASSIGN(auto ref_name, optional_string(annotations, "org.opencontainers.image.ref.name", where));
  if (!containerd_name.empty()) {
    d.ref_name = containerd_name;
  } else if (ref_name.find('/') != std::string::npos || ref_name.find(':') != std::string::npos) {
    d.ref_name = ref_name;
  }
  return d;
}

Result<Descriptor> decode_blob_descriptor(const Json& json, const std::string& where) {
  BERTH_ASSIGN(auto d, decode_descriptor(json, where));
  if (!is_sha256_digest(d.digest)) return invalid(where + " names an unsupported digest '" + d.digest + "'");
  return d;
}

}  // namespace

Result<Json> parse_metadata_json(std::string_view text, const std::string& what) {
  auto json = model::parse_json(text, what);
  if (!json) return invalid(json.error().message);
  return json;
}

bool is_sha256_digest(const std::string& d) {
  return d.size() == 71 && d.starts_with("sha256:") && d.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
}

bool is_index_media_type(const std::string& media_type) {
  return media_type.find("image.index") != std::string::npos || media_type.find("manifest.list") != std::string::npos;
}

Result<std::string> manifest_media_type(const Json& body, const std::string& content_type) {
  if (!body.is_object()) return invalid("the manifest is not a JSON object");
  const auto version = body.find("schemaVersion");
  if (version == body.end() || !version->is_number_integer() || version->get<std::int64_t>() != 2) {
    return invalid("the manifest uses schema 1 or none, which berth does not pull");
  }
  BERTH_ASSIGN(auto media_type, optional_string(body, "mediaType", "the manifest"));
  return media_type.empty() ? content_type : media_type;
}

Result<ImageIndex> decode_image_index(const Json& index) {
  if (!index.is_object()) return invalid("the image index is not a JSON object");
  BERTH_ASSIGN(auto entries, optional_array(index, "manifests", "the image index", k_max_index_entries));
  ImageIndex out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    BERTH_ASSIGN(auto d, decode_descriptor(entries[i], "entry " + std::to_string(i) + " of the image index"));
    out.manifests.push_back(std::move(d));
  }
  return out;
}

Result<ImageManifest> decode_image_manifest(const Json& manifest) {
  if (!manifest.is_object()) return invalid("the image manifest is not a JSON object");
  const auto config = manifest.find("config");
  if (config == manifest.end()) return invalid("the image manifest names no config");
  ImageManifest out;
  BERTH_ASSIGN(out.config, decode_blob_descriptor(*config, "the manifest's config"));
  BERTH_ASSIGN(auto layers, optional_array(manifest, "layers", "the image manifest", k_max_image_layers));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    BERTH_ASSIGN(auto d, decode_blob_descriptor(layers[i], "layer " + std::to_string(i) + " of the manifest"));
    out.layers.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<ArchivedImage>> decode_docker_archive_manifest(const Json& manifest) {
  if (!manifest.is_array()) return invalid("manifest.json is not a list of images");
  if (manifest.size() > k_max_index_entries) return invalid("manifest.json lists too many images");
  std::vector<ArchivedImage> out;
  for (std::size_t i = 0; i < manifest.size(); ++i) {
    const std::string where = "image " + std::to_string(i) + " of manifest.json";
    if (!manifest[i].is_object()) return invalid(where + " is not an object");
    ArchivedImage image;
    BERTH_ASSIGN(image.config, optional_string(manifest[i], "Config", where));
    if (image.config.empty()) return invalid(where + " names no Config");
    BERTH_ASSIGN(image.layers, optional_strings(manifest[i], "Layers", where, k_max_image_layers));
    BERTH_ASSIGN(image.repo_tags, optional_strings(manifest[i], "RepoTags", where, k_max_index_entries));
    out.push_back(std::move(image));
  }
  return out;
}

Result<std::vector<std::string>> image_config_strings(const Json& settings, const char* key) {
  return optional_strings(settings, key, "the image config", k_max_image_config_entries);
}

Result<std::vector<std::string>> decode_image_config(const Json& config) {
  const std::string where = "the image config";
  if (!config.is_object()) return invalid(where + " is not a JSON object");
  BERTH_ASSIGN(auto settings, optional_object(config, "config", where));
  for (const char* list : {"Entrypoint", "Cmd", "Env"}) BERTH_TRY(image_config_strings(settings, list));
  for (const char* text : {"WorkingDir", "User"}) BERTH_TRY(optional_string(settings, text, where));
  BERTH_ASSIGN(auto rootfs, optional_object(config, "rootfs", where));
  return optional_strings(rootfs, "diff_ids", where, k_max_image_layers);
}

}  // namespace berth::runtime
