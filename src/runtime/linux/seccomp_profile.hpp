// The default seccomp profile: equivalent to Docker's default (an allowlist; everything else
// fails with EPERM), rendered for the architecture this binary was built for and for the
// capabilities a container holds. Checked with libseccomp at start. Thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::runtime {

// Returns the OCI `linux.seccomp` object for a container holding `capabilities`
// ("CAP_SYS_ADMIN", ...).
model::Json default_seccomp_profile(const std::set<std::string>& capabilities);

struct SeccompReport {
  std::string architecture;              // libseccomp's name for the native architecture
  std::size_t resolved = 0;              // names known on this architecture
  std::vector<std::string> unknown;      // names libseccomp does not know at all (warned)
  std::size_t other_architecture = 0;    // names that exist only on other architectures
};

// Resolves every syscall name of `profile` with libseccomp for the native architecture and
// compiles the filter into BPF (without loading it). Returns InvalidParameter for an action,
// operator or architecture libseccomp rejects; unknown names are reported, not fatal.
[[nodiscard]] Result<SeccompReport> check_seccomp_profile(const model::Json& profile);

}  // namespace berth::runtime
