// The dashboard's files (src/api/ui/), compiled into the binary gzip-compressed:
// src/api/ui/embed.sh writes their definition into build/gen/ui_assets.cpp at build time (nothing
// generated is committed). Constant data; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace berth::api {

struct UiAsset {
  std::string_view name;  // the file's name in src/api/ui/ ("index.html")
  std::string_view gzip;  // its bytes, gzip-compressed
  std::size_t size;       // its size uncompressed
};

// Returns every file of the dashboard.
std::span<const UiAsset> ui_assets();

}  // namespace berth::api
