// What a container's dockerSecurityOptions ask of its OCI config, as Docker reads them ("kind:value"
// or "kind=value"): seccomp unconfined drops the seccomp filter, systempaths unconfined the masked
// and read-only /proc and /sys paths, apparmor <profile> names the AppArmor profile to run under
// (unconfined, berth's default, names none). no-new-privileges is berth's default and label:disable
// asks for nothing on a host without SELinux; registration refuses every other option. Pure;
// thread-safe.
#pragma once

#include <string>

#include "model/schema.hpp"

namespace berth::agent {

struct SecurityOptions {
  bool seccomp_unconfined = false;
  bool system_paths_unconfined = false;
  std::string apparmor_profile;  // empty: none
};

SecurityOptions security_options_of(const model::Json& container_definition);

}  // namespace berth::agent
