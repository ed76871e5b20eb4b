// Where a containerDefinitions.environmentFiles value points on berth: a .env file on the
// instance, a Secrets Manager secret or SSM parameter holding the file's text, or S3 (which a
// gateway cannot reach). Shared by registration, RunTask overrides, the privileged-action judgement
// and the agent that reads the files. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::model {

enum class EnvironmentFileSource { local_file, secret, s3, invalid };

// ECS's limits: ten files per container; berth reads at most 64 KiB of each.
inline constexpr std::size_t k_max_environment_files = 10;
inline constexpr std::size_t k_max_environment_file_bytes = 64 * 1024;

// local_file: an absolute path without '..' ending in ".env"; secret: a secretsmanager or ssm ARN;
// s3: an S3 object ARN; invalid: anything else.
EnvironmentFileSource environment_file_source(std::string_view value);

// Why `value` cannot be an environmentFiles value, as "environmentFiles '<value>'..." ("" when it
// can). In a RunTask or StartTask override (`in_override`) every source is refused: those calls
// check neither berth:RegisterPrivilegedTaskDefinition, which reading a host file needs, nor access
// to a secret, so a key allowed only to run a task could read any file or secret through one.
std::string environment_file_refusal(std::string_view value, bool in_override);

}  // namespace berth::model
