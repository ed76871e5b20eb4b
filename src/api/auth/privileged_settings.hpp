// The task definition settings that hand a container the host, for which registering needs
// berth:RegisterPrivilegedTaskDefinition besides ecs:RegisterTaskDefinition. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/schema.hpp"

namespace berth::api::auth {

inline constexpr std::string_view k_privileged_action = "berth:RegisterPrivilegedTaskDefinition";

// Returns one reason per host-taking setting of a RegisterTaskDefinition request (empty for a
// harmless one), each naming where it is, e.g. "containerDefinitions[0] (web): privileged: true":
// privileged; volumes[].host.sourcePath; networkMode, pidMode or ipcMode "host";
// volumes[].dockerVolumeConfiguration.driverOpts "device" (a bind of a host path or device);
// linuxParameters.devices and linuxParameters.capabilities.add (any); dockerSecurityOptions that
// lift confinement ("...unconfined", "label:disable"); systemControls outside the kernel's
// per-container namespaces (Docker's rule: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, and
// net.* unless the network is the host's); environmentFiles naming a file on the instance (berth
// reads it as root). Settings berth does not apply today are judged too,
// so a definition stays refused when berth starts applying them. Never throws on any JSON.
std::vector<std::string> needs_privileged_action(const model::Json& register_request);

}  // namespace berth::api::auth
