// The default seccomp profile: equivalent to Docker's default (an allowlist; everything else
// fails with EPERM), rendered for the architecture this binary was built for and for the
// capabilities a container holds. Checked with libseccomp at start. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::runtime {

// Returns the OCI `linux.seccomp` object for a container holding `capabilities`
// ("CAP_SYS_ADMIN", ...).
model::Json default_seccomp_profile(const std::set<std::string>& capabilities);

// A seccomp profile as a container's config.json carries it: the OCI `linux.seccomp` object and
// its JSON text, made once and shared by the specs that use it, so that a start neither copies
// nor serializes it (oci_config_text).
struct SeccompProfile {
  explicit SeccompProfile(model::Json oci_rules) : rules(std::move(oci_rules)), text(rules.dump()) {}
  model::Json rules;
  std::string text;
};

// default_seccomp_profile, built once per capability set and shared: building one, copying it
// and serializing it took about 0.3 ms of each container start. Keeps the profiles of the last
// 16 sets asked for (a gateway's task definitions ask for a few).
std::shared_ptr<const SeccompProfile> shared_seccomp_profile(const std::set<std::string>& capabilities);

// `profile` with ioctl's requests that change a file's project or flags refused with EPERM
// (FS_IOC_FSSETXATTR, FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS): for the containers of a task whose
// writable layers have a storage limit (ephemeralStorage). A container owns the directories it
// makes, so without this it could set one's project to 0 and write past the limit. The rest of
// ioctl stays allowed.
model::Json refuse_project_quota_changes(model::Json profile);

// One SCMP_CMP_MASKED_EQ test: (request & mask) == value.
struct MaskedValue {
  std::uint32_t mask = 0;
  std::uint32_t value = 0;
  bool operator==(const MaskedValue&) const = default;
};

// Masked tests, each on the low 32 bits, that together match every 32-bit value except
// `excluded`. libseccomp cannot express "not X and not Y" in one rule (one comparison per
// argument), and an unconditional allow would win over any refusal, so the complement is spelled
// out as prefixes: at most 32 tests per excluded value. Only the low 32 bits are tested because
// the kernel reads ioctl's request as an unsigned int: a test of all 64 bits could be dodged by
// setting the high ones.
std::vector<MaskedValue> masked_complement(const std::vector<std::uint32_t>& excluded);

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
