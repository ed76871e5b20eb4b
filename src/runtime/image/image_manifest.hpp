// Typed views of image metadata decoded from untrusted JSON (registry replies, archive files):
// OCI and Docker manifests and indexes, a docker-save manifest.json and the parts of an image
// config that berth reads. Every field is type-checked and every list bounded, so a wrong type is
// a clear InvalidParameterException, never an exception. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"
#include "runtime/image/platform_choice.hpp"

namespace berth::runtime {

// Bounds for what one image may declare; real images stay far below them.
constexpr std::size_t k_max_index_entries = 1024;
constexpr std::size_t k_max_image_layers = 1024;
constexpr std::uint64_t k_max_blob_size = 1ull << 44;  // 16 TiB: sums of sizes cannot overflow

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
  std::optional<Platform> platform;  // index entries only
  std::string ref_name;              // the name its annotations give, if any
};

struct ImageIndex {
  std::vector<Descriptor> manifests;
};

struct ImageManifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // bottom first
};

// One image of a `docker save` archive's manifest.json; paths are relative to the archive.
struct ArchivedImage {
  std::string config;
  std::vector<std::string> layers;
  std::vector<std::string> repo_tags;
};

// Parses image metadata text (`what` names it in the error); invalid JSON is InvalidParameter.
[[nodiscard]] Result<model::Json> parse_metadata_json(std::string_view text, const std::string& what);

// True for "sha256:" and 64 lower-case hex digits, the only digest berth verifies.
bool is_sha256_digest(const std::string& digest);
// True for an OCI image index or a Docker manifest list media type.
bool is_index_media_type(const std::string& media_type);

// Returns the media type of a registry manifest `body` (its mediaType, else `content_type`);
// refuses schema 1 and bodies that are not a schema-2 object.
[[nodiscard]] Result<std::string> manifest_media_type(const model::Json& body, const std::string& content_type);
// Returns the entries of an OCI index or Docker manifest list. Digests are checked later, when
// an entry is chosen (an index may list digests of other algorithms).
[[nodiscard]] Result<ImageIndex> decode_image_index(const model::Json& index);
// Returns the config and layer descriptors of an OCI or Docker schema-2 manifest (sha256 digests).
[[nodiscard]] Result<ImageManifest> decode_image_manifest(const model::Json& manifest);
// Returns the images of a docker-save manifest.json.
[[nodiscard]] Result<std::vector<ArchivedImage>> decode_docker_archive_manifest(const model::Json& manifest);
// The list `key` (Entrypoint, Cmd, Env) of an image config's "config" object: absent or null is
// empty; anything but an array of at most k_max_image_config_entries strings is refused. The
// OCI image spec types these as arrays of strings; a single string is refused, at import and at
// start alike (one rule, this one).
inline constexpr std::size_t k_max_image_config_entries = 1 << 16;
[[nodiscard]] Result<std::vector<std::string>> image_config_strings(const model::Json& settings, const char* key);

// Checks the image config fields berth reads (config.Entrypoint/Cmd/Env as string arrays,
// WorkingDir/User as strings) and returns its rootfs.diff_ids.
[[nodiscard]] Result<std::vector<std::string>> decode_image_config(const model::Json& config);

}  // namespace berth::runtime
