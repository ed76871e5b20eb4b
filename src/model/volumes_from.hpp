// What a container's volumesFrom gives it, as Docker's --volumes-from does: every mountPoint of
// each source container and, through the source's own volumesFrom, of the containers it takes
// from, at the same containerPath. A mount is read-only if its mountPoint or any volumesFrom on
// the way says readOnly. Registration checks these paths against the container's own mounts; the
// agent mounts them. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace berth::model {

struct InheritedMount {
  const Json* mount_point;     // {sourceVolume, containerPath, readOnly} of the container that has it
  bool read_only = false;
  std::string via;             // the volumesFrom sourceContainer of `container` it comes through
};

// The mounts `container` takes through volumesFrom from the other entries of `containers` (the
// definition's containerDefinitions), in volumesFrom order; each source container counts once,
// so a cycle ends. Sources that are not in `containers` give nothing (registration refuses them).
std::vector<InheritedMount> volumes_from_mounts(const Json& containers, const Json& container);

}  // namespace berth::model
