#include "runtime/image/manifest_shape.hpp"

#include <initializer_list>

namespace berth::runtime {
namespace {

using model::Json;

constexpr std::size_t k_max_entries = 1000;               // layers or platforms
constexpr std::uint64_t k_max_blob_bytes = 1ULL << 50;  // sums of sizes stay far from overflow

Result<void> bad(const std::string& where, const std::string& what) {
  return fail(Code::server, "the registry's manifest has an unusable " + where + " (" + what + ")");
}

Result<void> check_strings(const Json& object, const std::string& where, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (object.contains(key) && !object[key].is_string()) return bad(where + "." + key, "not a string");
  }
  return {};
}

// A blob descriptor: {"digest": string, "size": unsigned, ...}.
Result<void> check_descriptor(const Json& d, const std::string& where) {
  if (!d.is_object()) return bad(where, "not an object");
  BERTH_TRY(check_strings(d, where, {"digest", "mediaType"}));
  if (d.contains("size") && (!d["size"].is_number_unsigned() || d["size"].get<std::uint64_t>() > k_max_blob_bytes)) {
    return bad(where + ".size", "not a byte count");
  }
  if (d.contains("platform")) {
    const Json& p = d["platform"];
    if (!p.is_object()) return bad(where + ".platform", "not an object");
    BERTH_TRY(check_strings(p, where + ".platform", {"os", "architecture", "variant"}));
  }
  return {};
}

Result<void> check_list(const Json& manifest, const char* key) {
  if (!manifest.contains(key)) return {};
  const Json& list = manifest[key];
  if (!list.is_array()) return bad(key, "not a list");
  if (list.size() > k_max_entries) return bad(key, "more than " + std::to_string(k_max_entries) + " entries");
  for (std::size_t i = 0; i < list.size(); ++i) {
    BERTH_TRY(check_descriptor(list[i], std::string(key) + "[" + std::to_string(i) + "]"));
  }
  return {};
}

}  // namespace

Result<void> check_manifest_shape(const Json& manifest) {
  if (!manifest.is_object()) return bad("body", "not an object");
  BERTH_TRY(check_strings(manifest, "body", {"mediaType"}));
  if (manifest.contains("schemaVersion") && !manifest["schemaVersion"].is_number_integer()) {
    return bad("schemaVersion", "not a number");
  }
  if (manifest.contains("config")) BERTH_TRY(check_descriptor(manifest["config"], "config"));
  BERTH_TRY(check_list(manifest, "layers"));
  return check_list(manifest, "manifests");
}

}  // namespace berth::runtime
