// Resolving a path with a directory as "/", by hand, one component at a time: every component is
// opened O_NOFOLLOW relative to its parent's descriptor and symbolic links are followed within
// the root (an absolute link restarts at it, ".." at it stays there), as the kernel's
// openat2(RESOLVE_IN_ROOT) does. Nothing outside the root is ever reached. Used where openat2 is
// missing (reading an image's files) and for image archives (finding their members).
// Thread-safe; concurrent changes under the root cannot lead it out.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

// As the kernel's MAXSYMLINKS: more links than this on one path is a loop.
inline constexpr int k_max_links_in_path = 40;

struct PathInRoot {
  std::vector<std::string> components;  // from the root down: no link, ".", ".." or empty name
  UniqueFd parent;                      // O_PATH: the directory holding the last component
  struct stat status {};                // of the last component (a link is never followed past)
  int links_followed = 0;

  // The directory holding the last component: `parent`, or the root when that is the root.
  int parent_fd(int root_fd) const { return parent.valid() ? parent.get() : root_fd; }
  // The last component's name ("." for the root itself).
  std::string name() const { return components.empty() ? "." : components.back(); }
};

// Resolves `path` (absolute or relative, both taken from the root) under the directory
// `root_fd`. Errors are ServerException with sys_errno ENOENT (missing), ENOTDIR (a
// non-directory with more path after it), ELOOP (more than k_max_links_in_path links) or the
// failing call's errno; `what` names the path in their messages.
[[nodiscard]] Result<PathInRoot> resolve_path_in_root(int root_fd, const std::string& path, const std::string& what);

}  // namespace berth::runtime
