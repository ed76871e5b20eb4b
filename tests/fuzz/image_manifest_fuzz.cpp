// Fuzz harness: image metadata from registries and archives (a registry manifest's media type,
// OCI indexes and Docker manifest lists with platform choice, OCI and Docker manifests, a
// docker-save manifest.json, image configs). Any text must decode or fail with an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/image/image_manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace berth::runtime;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = parse_metadata_json(text, "input");
  if (!json) return 0;
  (void)manifest_media_type(*json, "application/vnd.oci.image.manifest.v1+json");
  if (auto index = decode_image_index(*json)) {
    for (const Platform& host : {Platform{"linux", "amd64", ""}, Platform{"linux", "arm64", "v8"}, Platform{"linux", "arm", "v7"}}) {
      const auto chosen = choose_platform(index->manifests, host);
      if (chosen && *chosen >= index->manifests.size()) __builtin_trap();
      if (chosen) (void)is_sha256_digest(index->manifests[*chosen].digest);
    }
  }
  if (auto manifest = decode_image_manifest(*json)) {
    std::uint64_t total = manifest->config.size;
    for (const auto& layer : manifest->layers) {
      if (!is_sha256_digest(layer.digest)) __builtin_trap();
      total += layer.size;
    }
    (void)total;
  }
  (void)decode_docker_archive_manifest(*json);
  (void)decode_image_config(*json);
  return 0;
}
