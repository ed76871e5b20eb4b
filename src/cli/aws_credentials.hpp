// The access key a client of a berth's API over TCP signs with, found where the aws CLI looks:
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else the shared-credentials file
// (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) under profile AWS_PROFILE (else
// `default`): the format `berth key create` prints and the first start writes to
// DATA-DIR/credentials. Also the one parser of that format for keys berth itself signs with
// (BERTH_LOGS_FORWARD_KEY_FILE). Pure but for reading that file; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/sigv4_signer.hpp"
#include "common/result.hpp"

namespace berth::cli {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;  // the profile's region, empty when it names none
  std::string source;  // where they were found ("AWS_ACCESS_KEY_ID", "/root/.aws/credentials [edge]")
};

// The key of `profile` in shared-credentials `text` (INI: [profile] sections, `name = value`
// lines, '#' and ';' comments), or with an empty `profile` the key of the first profile holding
// both halves (lines after it are not read); nothing when the profile is missing or lacks either
// half; an InvalidParameter error naming the line when one is neither.
[[nodiscard]] Result<std::optional<AwsCredentials>> credentials_of_profile(std::string_view text, std::string_view profile);

// For a key berth signs with: the first profile with both halves in `text`, its region or else
// `region`. InvalidParameterException starting `what: ` when there is none, a line is malformed,
// or a value is empty, too long or not printable ASCII.
[[nodiscard]] Result<api::auth::SigningCredentials> parse_shared_credentials(const std::string& text, const std::string& what,
                                                                             const std::string& region);

// Reads the file at `path` (at most 64 KiB) and parses it with parse_shared_credentials.
[[nodiscard]] Result<api::auth::SigningCredentials> read_shared_credentials(const std::string& path, const std::string& region);

// Reads an environment variable: its value, or nothing when it is unset.
using Environment = std::function<std::optional<std::string>(const char* name)>;
Environment process_environment();

// The credentials as the aws CLI would find them; a ClientException saying what to set when there
// are none (or the profile named is missing, or the file cannot be read).
[[nodiscard]] Result<AwsCredentials> find_aws_credentials(const Environment& environment);

}  // namespace berth::cli
