#include "cli/aws_credentials.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "common/files.hpp"
#include "common/split.hpp"

namespace berth::cli {
namespace {

// A credentials file holds a few keys; a larger one is not a credentials file.
constexpr std::size_t k_max_file_bytes = 1 << 20;
// A key file berth reads for itself (BERTH_LOGS_FORWARD_KEY_FILE) holds one key.
constexpr std::size_t k_max_key_file_bytes = 64 * 1024;
constexpr std::size_t k_max_value = 256;

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool printable(std::string_view value) {
  return !value.empty() && value.size() <= k_max_value &&
         std::ranges::all_of(value, [](char c) { return c > ' ' && c < 0x7f; });
}

constexpr const char* k_what_to_set =
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put a key from `berth key create` into ~/.aws/credentials "
    "(profile default, or the one --profile or AWS_PROFILE names)";

// The profile a section header's inside names in `file`, or "" when it names none: the config
// file writes `[profile NAME]` (and `[default]`); a bare `[NAME]` there is not a profile.
std::string_view profile_of_section(std::string_view inside, IniFile file) {
  inside = trimmed(inside);
  if (file == IniFile::credentials || inside == "default") return inside;
  constexpr std::string_view k_prefix = "profile";
  if (!inside.starts_with(k_prefix) || inside.size() == k_prefix.size() ||
      (inside[k_prefix.size()] != ' ' && inside[k_prefix.size()] != '\t')) {
    return {};
  }
  return trimmed(inside.substr(k_prefix.size()));
}

}  // namespace

Result<std::optional<AwsCredentials>> credentials_of_profile(std::string_view text, std::string_view profile, IniFile file) {
  AwsCredentials found;
  bool seen = false;       // the profile's section was found
  bool in_profile = false;
  bool nested = false;     // the last setting had no value: indented lines under it are its own
  std::size_t number = 0;
  for (const auto raw : split(text, '\n')) {
    ++number;
    const auto line = trimmed(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    // `s3 =` then indented `max_concurrent_requests = 10`: a nested setting, not the profile's.
    if (nested && (raw.front() == ' ' || raw.front() == '\t')) continue;
    nested = false;
    if (line.front() == '[') {
      if (line.back() != ']') return fail(Code::invalid_parameter, "line " + std::to_string(number) + " opens a section it does not close");
      const auto name = profile_of_section(line.substr(1, line.size() - 2), file);
      if (profile.empty()) {
        if (found.complete()) return found;  // the first profile holding both halves
        found = {};
        in_profile = !name.empty();
      } else {
        in_profile = !name.empty() && name == profile;
      }
      seen = seen || in_profile;
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      return fail(Code::invalid_parameter, "line " + std::to_string(number) + " is neither [profile] nor name = value");
    }
    const auto name = trimmed(line.substr(0, equals));
    const auto value = std::string(trimmed(line.substr(equals + 1)));
    nested = value.empty();
    if (!in_profile) continue;
    if (name == "aws_access_key_id") found.access_key_id = value;
    if (name == "aws_secret_access_key") found.secret_access_key = value;
    if (name == "region") found.region = value;
  }
  if (profile.empty() ? !found.complete() : !seen) return std::nullopt;
  return found;
}

Result<api::auth::SigningCredentials> parse_shared_credentials(const std::string& text, const std::string& what,
                                                               const std::string& region) {
  auto parsed = credentials_of_profile(text, "", IniFile::credentials);
  if (!parsed) return fail(Code::invalid_parameter, what + ": " + parsed.error().message);
  if (!*parsed) {
    return fail(Code::invalid_parameter,
                what + ": no [profile] with aws_access_key_id and aws_secret_access_key (the format `berth key create` prints)");
  }
  api::auth::SigningCredentials out{(*parsed)->access_key_id, (*parsed)->secret_access_key,
                                    (*parsed)->region.empty() ? region : (*parsed)->region};
  if (!printable(out.access_key_id) || !printable(out.secret_access_key) || !printable(out.region)) {
    return fail(Code::invalid_parameter, what + ": aws_access_key_id, aws_secret_access_key and region must be 1 to " +
                                             std::to_string(k_max_value) + " printable characters");
  }
  return out;
}

Result<api::auth::SigningCredentials> read_shared_credentials(const std::string& path, const std::string& region) {
  BERTH_ASSIGN(const std::string text, read_file_range(path, 0, k_max_key_file_bytes + 1));
  if (text.size() > k_max_key_file_bytes) {
    return fail(Code::invalid_parameter, path + ": larger than " + std::to_string(k_max_key_file_bytes >> 10) + " KiB");
  }
  return parse_shared_credentials(text, path, region);
}

Environment process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

namespace {

// The named file's text, or nothing when it does not exist (neither file is required).
Result<std::optional<std::string>> read_optional(const std::string& file) {
  auto text = read_file_range(file, 0, k_max_file_bytes + 1);
  if (!text) {
    if (text.error().sys_errno == ENOENT) return std::nullopt;
    return fail(Code::client, "cannot read " + file + ": " + text.error().message);
  }
  if (text->size() > k_max_file_bytes) return fail(Code::client, file + " is larger than 1 MiB: not an aws CLI file");
  return std::move(*text);
}

// One of the aws CLI's files as read for a profile.
struct ProfileFile {
  std::string path;  // "" when neither its variable nor HOME names one
  bool exists = false;
  std::optional<AwsCredentials> settings;  // nothing when the file or the profile's section is missing
};

// The settings of `profile` in the file the variable `variable` names, else HOME/.aws/`name`.
Result<ProfileFile> profile_in(const Environment& environment, const char* variable, const char* name, IniFile kind,
                               const std::string& profile) {
  ProfileFile file;
  const auto named = environment(variable);
  const auto home = environment("HOME");
  file.path = named && !named->empty() ? *named : home && !home->empty() ? *home + "/.aws/" + name : "";
  if (file.path.empty()) return file;
  BERTH_ASSIGN(const auto text, read_optional(file.path));
  if (!text) return file;
  file.exists = true;
  auto settings = credentials_of_profile(*text, profile, kind);
  if (!settings) return fail(Code::client, file.path + ": " + settings.error().message);
  file.settings = std::move(*settings);
  return file;
}

}  // namespace

Result<AwsCredentials> find_aws_credentials(const Environment& environment, std::string_view chosen_profile) {
  const std::string named_profile = environment("AWS_PROFILE").value_or("");
  const std::string profile = !chosen_profile.empty() ? std::string(chosen_profile)
                              : !named_profile.empty() ? named_profile
                                                       : "default";
  BERTH_ASSIGN(const auto config, profile_in(environment, "AWS_CONFIG_FILE", "config", IniFile::config, profile));
  BERTH_ASSIGN(const auto shared,
               profile_in(environment, "AWS_SHARED_CREDENTIALS_FILE", "credentials", IniFile::credentials, profile));
  // The aws CLI reads a profile's region from the config file; berth's key files carry one too.
  std::string region = config.settings ? config.settings->region : "";
  if (region.empty() && shared.settings) region = shared.settings->region;
  // --profile names the key: the environment's is not used then, as with the aws CLI.
  if (chosen_profile.empty()) {
    const auto id = environment("AWS_ACCESS_KEY_ID");
    const auto secret = environment("AWS_SECRET_ACCESS_KEY");
    if (id && secret && !id->empty() && !secret->empty()) return AwsCredentials{*id, *secret, region, "AWS_ACCESS_KEY_ID"};
    if (id && !id->empty()) {
      return fail(Code::client, "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY; set both (as `berth key create` printed them)");
    }
  }
  // The credentials file before the config file, each only with both halves, as the aws CLI does.
  const std::string config_section = profile == "default" ? profile : "profile " + profile;
  for (const auto& [file, section] : {std::pair{&shared, profile}, std::pair{&config, config_section}}) {
    if (file->settings && file->settings->complete()) {
      AwsCredentials out = *file->settings;
      out.region = region;
      out.source = file->path + " [" + section + "]";
      return out;
    }
  }
  if (shared.path.empty()) return fail(Code::client, std::string("no credentials: HOME is not set; ") + k_what_to_set);
  if (!shared.exists && !config.exists) {
    return fail(Code::client, "no credentials: " + shared.path + " does not exist; " + k_what_to_set);
  }
  return fail(Code::client, "no credentials: no key for profile " + profile + " in " + shared.path +
                                (config.path.empty() ? "" : " or " + config.path) + "; " + k_what_to_set);
}

}  // namespace berth::cli
