#include "runtime/image/platform_choice.hpp"

#include "common/platform.hpp"
#include "runtime/image/image_manifest.hpp"

namespace berth::runtime {

Platform build_platform() {
  Platform p;
  p.architecture = oci_architecture();
  if (p.architecture == "arm64") p.variant = "v8";
  if (p.architecture == "arm") p.variant = "v7";
  return p;
}

std::optional<std::size_t> choose_platform(const std::vector<Descriptor>& manifests, const Platform& host) {
  // Acceptable variants, best first; "" stands for an entry that names no variant.
  std::vector<std::string> variants = {host.variant, ""};
  if (host.architecture == "arm") {
    variants.clear();
    const int version = host.variant.size() == 2 ? host.variant[1] - '0' : 7;
    for (int v = version; v >= 5; --v) variants.push_back("v" + std::to_string(v));
    variants.push_back("");
  }
  std::optional<std::size_t> best;
  std::size_t best_rank = variants.size();
  for (std::size_t i = 0; i < manifests.size(); ++i) {
    const auto& platform = manifests[i].platform;
    if (!platform || platform->os != host.os || platform->architecture != host.architecture) continue;
    const std::string& variant = platform->variant;
    for (std::size_t rank = 0; rank < variants.size() && rank < best_rank; ++rank) {
      if (variants[rank] == variant) {
        best = i;
        best_rank = rank;
        break;
      }
    }
  }
  return best;
}

}  // namespace berth::runtime
