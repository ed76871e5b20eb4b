// Reading a file of an unpacked image as the container would see it: every path and symlink is
// resolved inside the image root, so an image cannot make berth read a host file
// (`/etc/passwd -> /host/file`). Regular files only, of bounded size. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

enum class RootResolution {
  automatic,       // openat2(RESOLVE_IN_ROOT) where the kernel has it, else component_walk
  component_walk,  // one O_NOFOLLOW open per component; links are followed by hand
};

// Returns the content of `path` (absolute or relative; taken relative to `root`) as seen with
// `root` as "/": absolute links restart at `root` and ".." stops there. Errors:
// ClientException when the file is not a regular file or is larger than `max_bytes`;
// ServerException otherwise (sys_errno = ENOENT when it does not exist; more than 40 links give
// ELOOP). Both resolutions give the same outcome for the same tree.
[[nodiscard]] Result<std::string> read_file_in_root(const std::string& root, const std::string& path,
                                                    std::size_t max_bytes,
                                                    RootResolution resolution = RootResolution::automatic);

}  // namespace berth::runtime
