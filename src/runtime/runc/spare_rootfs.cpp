#include "runtime/runc/spare_rootfs.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <utility>

#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "runtime/linux/project_quota.hpp"

namespace berth::runtime {
namespace {

constexpr std::string_view k_spare_prefix = "spare-";

}  // namespace

Result<int> mount_overlay_root(const std::string& dir, const std::string& image_rootfs, bool limited) {
  const std::string merged = dir + "/rootfs";
  BERTH_TRY(make_dirs(merged));
  BERTH_TRY(make_dirs(dir + "/upper"));
  BERTH_TRY(make_dirs(dir + "/work"));
  const std::string options = "lowerdir=" + image_rootfs + ",upperdir=" + dir + "/upper,workdir=" + dir + "/work";
  const auto mount_call = [&] { return ::mount("overlay", merged.c_str(), "overlay", 0, options.c_str()); };
  return (limited ? without_quota_override(mount_call) : mount_call()) == 0 ? 0 : errno;
}

SpareRootfs::~SpareRootfs() {
  MutexLock lock(m_mutex);
  if (m_spare) drop(m_spare->dir);
}

Result<void> remove_bundle(const std::string& dir) {
  ::umount2((dir + "/rootfs").c_str(), MNT_DETACH);
  return remove_all(dir);
}

void SpareRootfs::drop(const std::string& dir) {
  if (auto removed = remove_bundle(dir); !removed) log_warn("spare container root " + dir + ": " + removed.error().message);
}

void SpareRootfs::sweep() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_bundle_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(k_spare_prefix)) drop(entry.path().string());
  }
}

void SpareRootfs::refill() {
  if (m_overlay_unavailable) return;
  std::string image_rootfs;
  {
    MutexLock lock(m_mutex);
    if (m_wanted.empty() || (m_spare && m_spare->image_rootfs == m_wanted)) return;
    image_rootfs = m_wanted;
  }
  if (!m_swept) {
    m_swept = true;
    sweep();
  }
  struct stat image;
  if (::stat(image_rootfs.c_str(), &image) != 0) return;
  Spare made{m_bundle_root + "/" + std::string(k_spare_prefix) + random_hex(8), image_rootfs, image.st_dev, image.st_ino};
  if (auto dir = make_dirs(made.dir, 0700); !dir) {
    log_warn("spare container root: " + dir.error().message);
    return;
  }
  auto mounted = mount_overlay_root(made.dir, image_rootfs);
  if (!mounted || *mounted != 0) {
    // Starts mount their own roots (or copy the image where overlayfs is missing).
    if (mounted) m_overlay_unavailable = true;
    drop(made.dir);
    return;
  }
  std::optional<Spare> replaced;
  {
    MutexLock lock(m_mutex);
    replaced = std::exchange(m_spare, std::move(made));
  }
  if (replaced) drop(replaced->dir);
}

bool SpareRootfs::take(const std::string& image_rootfs, const std::string& bundle) {
  std::optional<Spare> spare;
  {
    MutexLock lock(m_mutex);
    m_wanted = image_rootfs;
    if (!m_spare || m_spare->image_rootfs != image_rootfs) return false;
    spare = std::exchange(m_spare, std::nullopt);
  }
  struct stat image;
  if (::stat(image_rootfs.c_str(), &image) != 0 || image.st_dev != spare->device || image.st_ino != spare->inode) {
    drop(spare->dir);  // mounted over an image root that has gone since
    return false;
  }
  // The overlay moves with its directory (a mount stays on its dentry); NOREPLACE leaves a
  // bundle that exists as it is.
  if (::renameat2(AT_FDCWD, spare->dir.c_str(), AT_FDCWD, bundle.c_str(), RENAME_NOREPLACE) != 0) {
    MutexLock lock(m_mutex);
    if (!m_spare) m_spare = std::move(spare);
    else drop(spare->dir);
    return false;
  }
  return true;
}

std::optional<std::string> SpareRootfs::waiting() {
  MutexLock lock(m_mutex);
  if (!m_spare) return std::nullopt;
  return m_spare->dir;
}

}  // namespace berth::runtime
