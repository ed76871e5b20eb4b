// The progress line of a long image transfer (`berth image pull` and `import`): a bar of the
// bytes, the sizes and the layers. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace berth::cli {

// "1.2 MB": `bytes` in decimal units (B, kB, MB, GB), one decimal above bytes.
std::string human_size(std::uint64_t bytes);

// "[#########-----------] 1.2 MB of 2.5 MB, layers 1/3" (", layers" left out while
// `layers_total` is 0, not yet known).
std::string transfer_line(std::uint64_t bytes_done, std::uint64_t bytes_total, std::size_t layers_done,
                          std::size_t layers_total);

}  // namespace berth::cli
