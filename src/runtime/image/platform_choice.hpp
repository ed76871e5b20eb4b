// Which entry of an image index (OCI index or Docker manifest list) runs on this machine.
// Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace berth::runtime {

struct Platform {
  std::string os = "linux";
  std::string architecture;  // OCI spelling: amd64, arm64, arm
  std::string variant;       // v8, v7, ... or empty
};

// The platform this binary was built for (linux/amd64, linux/arm64/v8 or linux/arm/v7).
Platform build_platform();

struct Descriptor;  // image_manifest.hpp

// The position in `manifests` (an index's entries) of the best match for `host`, as
// containerd matches: same OS and architecture; arm64 takes variant v8 or none; arm v7 takes
// v7, then v6, then v5, then none. Entries without a platform are skipped (attestations).
std::optional<std::size_t> choose_platform(const std::vector<Descriptor>& manifests, const Platform& host);

}  // namespace berth::runtime
