#include "runtime/image/layer_unpacker.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "runtime/image/tar_reader.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {
namespace {

Result<void> refuse(const std::string& path, const std::string& why) {
  return fail(Code::invalid_parameter, "layer entry '" + path + "' " + why);
}

// Splits a cleaned relative path into components; refuses absolute paths and "..".
Result<std::vector<std::string>> components_of(const std::string& raw) {
  std::vector<std::string> parts;
  if (!raw.empty() && raw.front() == '/') return std::unexpected(refuse(raw, "is absolute").error());
  std::size_t start = 0;
  while (start <= raw.size()) {
    auto end = raw.find('/', start);
    if (end == std::string::npos) end = raw.size();
    const std::string part = raw.substr(start, end - start);
    if (part == "..") return std::unexpected(refuse(raw, "climbs out with '..'").error());
    if (!part.empty() && part != ".") parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

// Opens the directory `parts` (all but the last are walked) under root without following
// symlinks: a symlink anywhere on the way is refused rather than followed.
Result<UniqueFd> open_parent(int root_fd, const std::vector<std::string>& parts, std::size_t count,
                       const std::string& display, bool create) {
  UniqueFd dir(::dup(root_fd));
  for (std::size_t i = 0; i < count; ++i) {
    int fd = ::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(dir.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        return sys_fail("mkdir " + display);
      }
      fd = ::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR) {
        return std::unexpected(refuse(display, "would be written through a symbolic link or file").error());
      }
      return sys_fail("open " + display);
    }
    dir = UniqueFd(fd);
  }
  return dir;
}

// Returns the names in the directory open as `dir_fd` (without "." and "..").
Result<std::vector<std::string>> list_children(int dir_fd, const std::string& display) {
  DIR* d = ::fdopendir(::dup(dir_fd));
  if (!d) return sys_fail("open " + display);
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) children.push_back(e->d_name);
  }
  ::closedir(d);
  return children;
}

// Removes `name` in `dir_fd`, recursively for directories. Missing is fine.
Result<void> remove_tree(int dir_fd, const std::string& name) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Result<void>() : sys_fail("stat " + name);
  }
  if (S_ISDIR(st.st_mode)) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return sys_fail("open " + name);
    BERTH_ASSIGN(auto children, list_children(fd.get(), name));
    for (const auto& child : children) BERTH_TRY(remove_tree(fd.get(), child));
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return sys_fail("rmdir " + name);
    return {};
  }
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) return sys_fail("unlink " + name);
  return {};
}

Result<void> set_metadata(int dir_fd, const std::string& name, const TarEntry& e) {
  if (::fchownat(dir_fd, name.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return sys_fail("chown " + e.path);
  }
  if (e.type != TarEntry::Type::symlink && ::fchmodat(dir_fd, name.c_str(), e.mode, 0) != 0) {
    return sys_fail("chmod " + e.path);
  }
  const auto mtime = static_cast<time_t>(e.mtime);
  const timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  return {};
}

Result<void> write_file(int dir_fd, const std::string& name, TarReader& reader, const TarEntry& e) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return sys_fail("create " + e.path);
  BERTH_TRY(reader.read_data([&](std::string_view chunk) -> Result<void> {
    while (!chunk.empty()) {
      const ssize_t n = ::write(fd.get(), chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_fail("write " + e.path);
      }
      chunk.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }));
  return {};
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

// Carries out an opaque marker: drops what lower layers put in the directory, keeping what
// this layer wrote there already (tar order is free).
Result<void> make_opaque(int dir_fd, const std::string& dir_path, const std::set<std::string>& this_layer) {
  BERTH_ASSIGN(auto children, list_children(dir_fd, dir_path));
  for (const auto& child : children) {
    const std::string path = dir_path.empty() ? child : dir_path + "/" + child;
    if (!this_layer.contains(path)) BERTH_TRY(remove_tree(dir_fd, child));
  }
  return {};
}

}  // namespace

Result<void> apply_layer(const std::string& tar_path, const std::string& root) {
  BERTH_ASSIGN(auto reader, TarReader::open(tar_path));
  return apply_layer(reader, root);
}

Result<void> apply_layer(TarReader& reader, const std::string& root) {
  UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root_fd.get() < 0) return sys_fail("open " + root);
  std::set<std::string> written;  // paths this layer created, for opaque markers
  std::set<std::string> devices;  // device entries not created, so links to them are skipped too
  while (true) {
    BERTH_ASSIGN(auto next, reader.next());
    if (!next) break;
    const TarEntry& e = *next;
    BERTH_ASSIGN(auto parts, components_of(e.path));
    if (parts.empty()) continue;  // the root itself
    const std::string name = parts.back();
    const std::string clean = join(parts, parts.size());
    BERTH_ASSIGN(auto dir, open_parent(root_fd.get(), parts, parts.size() - 1, e.path, true));

    if (name == ".wh..wh..opq") {
      BERTH_TRY(make_opaque(dir.get(), join(parts, parts.size() - 1), written));
      continue;
    }
    if (name.starts_with(".wh.")) {
      BERTH_TRY(remove_tree(dir.get(), name.substr(4)));
      continue;
    }
    devices.erase(clean);  // a later entry at the same path replaces the device
    struct stat existing;
    const bool exists = ::fstatat(dir.get(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && !(e.type == TarEntry::Type::directory && S_ISDIR(existing.st_mode))) {
      BERTH_TRY(remove_tree(dir.get(), name));
    }
    switch (e.type) {
      case TarEntry::Type::directory:
        if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST) return sys_fail("mkdir " + e.path);
        break;
      case TarEntry::Type::file:
        BERTH_TRY(write_file(dir.get(), name, reader, e));
        break;
      case TarEntry::Type::symlink:
        // The target is resolved inside the container, never while unpacking.
        if (::symlinkat(e.link_target.c_str(), dir.get(), name.c_str()) != 0) return sys_fail("symlink " + e.path);
        break;
      case TarEntry::Type::hardlink: {
        if (!e.link_target.empty() && e.link_target.front() == '/') {
          return refuse(e.path, "is a hard link to the absolute path '" + e.link_target + "'");
        }
        BERTH_ASSIGN(auto target, components_of(e.link_target));
        if (target.empty()) return refuse(e.path, "is a hard link to the root");
        if (devices.contains(join(target, target.size()))) {
          devices.insert(clean);
          continue;
        }
        BERTH_ASSIGN(auto target_dir, open_parent(root_fd.get(), target, target.size() - 1, e.link_target, false));
        if (::linkat(target_dir.get(), target.back().c_str(), dir.get(), name.c_str(), 0) != 0) {
          return sys_fail("link " + e.path);
        }
        written.insert(clean);
        continue;  // a hard link shares its target's metadata
      }
      case TarEntry::Type::char_device:
      case TarEntry::Type::block_device:
        // Never created: a device node in the store would open host hardware to whoever reaches
        // it, and containers get their /dev from the runtime (as containerd does rootless).
        devices.insert(clean);
        continue;
      case TarEntry::Type::fifo:
        if (::mknodat(dir.get(), name.c_str(), S_IFIFO | 0600, 0) != 0) return sys_fail("mkfifo " + e.path);
        break;
    }
    BERTH_TRY(set_metadata(dir.get(), name, e));
    written.insert(clean);
  }
  return {};
}

}  // namespace berth::runtime
