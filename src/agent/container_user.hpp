// ECS `user` ("name", "uid", "name:group", "uid:gid", ...) resolved to the ids a container runs
// with, names looked up in the image's own /etc/passwd and /etc/group read confined to the image
// root. Pure apart from those reads; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::agent {

struct ContainerUser {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

// Returns the uid or gid `text` spells: decimal digits only, below 4294967295 ((uid_t)-1 means
// "leave unchanged" to the kernel); std::nullopt for anything else ("-1", "1e3", "4294967296").
std::optional<std::uint32_t> parse_id(std::string_view text);

// Resolves `user` against the image unpacked at `image_rootfs`. A numeric user without a group
// takes the gid of its passwd entry, else its uid as gid. Returns ClientException naming what is
// wrong: a malformed or out-of-range id, a name the image does not have, an entry whose ids are
// not numbers, an unreadable passwd or group file (a link out of the image, not a regular file,
// over 1 MiB).
[[nodiscard]] Result<ContainerUser> resolve_container_user(std::string_view user, const std::string& image_rootfs);

}  // namespace berth::agent
