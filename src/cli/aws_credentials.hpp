// The access key (and region) a client of a berth's API over TCP signs with, found where the aws
// CLI looks: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else the shared-credentials file
// (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials: the format `berth key create` prints and
// the first start writes to DATA-DIR/credentials), else the config file (AWS_CONFIG_FILE, else
// ~/.aws/config), under profile --profile, else AWS_PROFILE, else `default`. Also the one parser
// of that INI format, for both files and for keys berth itself signs with
// (BERTH_LOGS_FORWARD_KEY_FILE). Pure but for reading those files; thread-safe.
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

  bool complete() const { return !access_key_id.empty() && !secret_access_key.empty(); }
};

// Which of the aws CLI's files a text is: they name profiles differently.
enum class IniFile {
  credentials,  // [NAME]
  config,       // [profile NAME] and [default]; any other section is not a profile
};

// The settings of `profile` in `text` (INI: [section] lines, `name = value` lines, '#' and ';'
// comments, indented lines under a `name =` without a value nested in it and skipped): its key
// halves and region as far as given, or nothing when no section names the profile. With an empty
// `profile`, the first profile holding both halves (lines after it are not read), or nothing. An
// InvalidParameter error naming the line when one is neither a section nor a setting.
[[nodiscard]] Result<std::optional<AwsCredentials>> credentials_of_profile(std::string_view text, std::string_view profile,
                                                                           IniFile file);

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

// The credentials as the aws CLI would find them for `profile` (--profile; "" when not given):
// with --profile its key, else the environment's; else the profile's key in the credentials
// file, else in the config file (each only when both halves are there). Their `region` is the
// profile's: the config file's, else the credentials file's (where `berth key create` writes
// one). A ClientException saying what to set when there is none, a file cannot be read or holds
// a malformed line (naming the file and the line).
[[nodiscard]] Result<AwsCredentials> find_aws_credentials(const Environment& environment, std::string_view profile = "");

}  // namespace berth::cli
