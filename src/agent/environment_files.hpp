// A container's environmentFiles, read at task start: .env files on the instance (read by berth,
// at most 64 KiB) and Secrets Manager secrets or SSM parameters whose value is such a file
// (resolved like `secrets`). Lines are NAME=VALUE; '#' comments and blank lines are skipped, any
// other line fails the task with ECS's ResourceInitializationError naming file:line (never the
// line: a secret's text must not reach a log). Precedence as the ECS agent's: within a file the
// last line wins; across files the first file that sets a name wins; the container's
// `environment`, overrides and secrets all win over the files. Pure apart from the reader and
// resolver; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/task_secrets.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"

namespace berth::agent {

using EnvironmentVariables = std::vector<std::pair<std::string, std::string>>;

// Reads a .env file on the instance (replaced by a fake in tests).
using HostFileReader = std::function<Result<std::string>(const std::string& path)>;

// ECS's prefix for a task whose environment files could not be read.
inline constexpr std::string_view k_environment_files_error = "ResourceInitializationError: failed to download env files: ";

// The variables of one file's text, in file order (a name may repeat). `source` names the file in
// errors ("<source>:<line>: ...").
[[nodiscard]] Result<EnvironmentVariables> parse_environment_file(std::string_view text, const std::string& source);

// Reads a regular file of at most 64 KiB (model::k_max_environment_file_bytes).
[[nodiscard]] Result<std::string> read_host_environment_file(const std::string& path);

// The environmentFiles that apply to container `container_definition` of `task`: its override's
// if the override lists any (ECS: instead of the definition's), else the definition's.
model::Json environment_files_of(const model::Task& task, const model::Json& container_definition);

// The variables the files resolve to, one per name, with the precedence above. ClientException
// with a k_environment_files_error message when a file is missing, too big or malformed.
[[nodiscard]] Result<EnvironmentVariables> resolve_environment_files(const model::Json& files,
                                                                     const SecretResolver& resolver,
                                                                     const HostFileReader& read_file);

}  // namespace berth::agent
