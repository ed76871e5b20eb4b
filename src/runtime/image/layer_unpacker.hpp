// Applies image layers onto one flat root directory: OCI whiteouts (.wh.<name>, .wh..wh..opq)
// are carried out, and every path, link and write is confined to the root. Character and block
// devices (and hard links to them) are not created: an entry of that kind only removes what a
// lower layer had at its path. FIFOs are, and file modes keep setuid/setgid as Docker does (the
// store is root's alone). Not thread-safe for the same root.
#pragma once

#include <string>

#include "common/result.hpp"
#include "runtime/image/tar_reader.hpp"

namespace berth::runtime {

// Applies the layer tar (plain, gzip or zstd) at `tar_path` onto `root`, which must exist.
// Refuses (InvalidParameterException, naming the entry) absolute or `..` paths, hard links that
// leave the root, and writes through symbolic links. On error the root may be partly written:
// callers unpack into a scratch directory and drop it on failure.
[[nodiscard]] Result<void> apply_layer(const std::string& tar_path, const std::string& root);
// The same for the archive `reader` reads (a layer still downloading, say), up to its end marker.
[[nodiscard]] Result<void> apply_layer(TarReader& reader, const std::string& root);

}  // namespace berth::runtime
