// Finds the files of an unpacked image archive (docker save or OCI layout) by the paths its
// metadata names, confined to the archive: symbolic links are resolved as if the archive were
// the root (an absolute or climbing link stays inside it, never reaching the host), and only
// regular files are members, so no device, FIFO or host file is ever read as config or layer.
// Thread-safe; the archive directory must not change while it is read (it is berth's own).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

struct ArchiveMember {
  std::string path;       // absolute, without a symbolic link below the archive root
  std::uint64_t size = 0;
};

// Returns the regular file `relative` names inside `archive_root`. Missing members, members that
// are not regular files and link loops are InvalidParameterException naming `relative`.
[[nodiscard]] Result<ArchiveMember> find_archive_member(const std::string& archive_root, const std::string& relative);

// True when `relative` names a regular file inside `archive_root` (resolved as above).
bool has_archive_member(const std::string& archive_root, const std::string& relative);

// Returns the content of the member `relative`, refusing one larger than `max_bytes`.
[[nodiscard]] Result<std::string> read_archive_member(const std::string& archive_root, const std::string& relative,
                                                      std::uint64_t max_bytes);

}  // namespace berth::runtime
