// A container root made ahead of the start that needs it: an overlay over the image the last
// start asked for (take), mounted in a directory of its own beside the bundles (`spare-<hex>`, with rootfs,
// upper and work as a bundle has them). The next start of a container of that image renames the
// directory to its bundle instead of making three directories and mounting: the mount alone was
// 0.46 to 0.6 ms of a start's own 5 to 6 ms (strace of berth's agent thread, 9 starts). One at a
// time, made after a start's report on the runtime's keeper thread, never while nothing starts
// (no disk write on an idle gateway). A spare whose image root is no longer the directory it was
// mounted over (the image removed, or pulled again) is dropped, not used. Destroying the
// object drops the spare; spares a crash left are swept when the next one is made. Thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"

namespace berth::runtime {

// Makes <dir>/rootfs, <dir>/upper and <dir>/work and mounts an overlay of `image_rootfs` on
// rootfs (with the quota override off when `limited`: see without_quota_override). Returns 0
// once mounted, else the mount's errno; an error when a directory cannot be made.
[[nodiscard]] Result<int> mount_overlay_root(const std::string& dir, const std::string& image_rootfs, bool limited = false);

// Unmounts <dir>/rootfs (detached first, so the removal sees the bare directory, never the
// image through the overlay) and removes `dir`: a container's bundle or a spare root.
[[nodiscard]] Result<void> remove_bundle(const std::string& dir);

class SpareRootfs {
 public:
  explicit SpareRootfs(std::string bundle_root) : m_bundle_root(std::move(bundle_root)) {}
  SpareRootfs(const SpareRootfs&) = delete;
  SpareRootfs& operator=(const SpareRootfs&) = delete;
  ~SpareRootfs();

  // Makes a spare over the image the last take asked for, unless one of it waits already (a spare
  // of another image is dropped first); nothing before the first take. Once an overlay cannot be
  // mounted here, makes none again (starts copy the image then, see RuncRuntime::prepare_rootfs).
  void refill();
  // Moves the waiting spare of `image_rootfs` to `bundle`, which must not exist: true when the
  // bundle now holds rootfs (mounted), upper and work. False, with nothing made, when no spare of
  // this image waits or `bundle` exists; a stale spare is dropped. Either way `image_rootfs` is
  // what the next refill makes a spare of.
  bool take(const std::string& image_rootfs, const std::string& bundle);
  // The directory of the waiting spare, if any (tests).
  std::optional<std::string> waiting();

 private:
  struct Spare {
    std::string dir;
    std::string image_rootfs;
    dev_t device = 0;
    ino_t inode = 0;
  };
  // remove_bundle, a failure logged: a spare's or a leftover's directory.
  static void drop(const std::string& dir);
  // Drops every spare-* directory under the bundles' root: what a crashed berth left.
  void sweep();

  const std::string m_bundle_root;
  Mutex m_mutex;
  std::optional<Spare> m_spare BERTH_GUARDED_BY(m_mutex);
  std::string m_wanted BERTH_GUARDED_BY(m_mutex);  // the image root the last take asked for
  bool m_swept = false;  // only refill (one keeper thread) reads and writes it
  std::atomic<bool> m_overlay_unavailable{false};
};

}  // namespace berth::runtime
