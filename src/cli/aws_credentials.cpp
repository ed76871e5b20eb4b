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
    "(profile default, or the one AWS_PROFILE names)";

}  // namespace

Result<std::optional<AwsCredentials>> credentials_of_profile(std::string_view text, std::string_view profile) {
  AwsCredentials found;
  const auto whole = [&found] { return !found.access_key_id.empty() && !found.secret_access_key.empty(); };
  bool in_profile = false;
  std::size_t number = 0;
  for (const auto raw : split(text, '\n')) {
    ++number;
    const auto line = trimmed(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return fail(Code::invalid_parameter, "line " + std::to_string(number) + " opens a section it does not close");
      if (profile.empty()) {
        if (whole()) return found;  // the first profile holding both halves
        found = {};
        in_profile = true;
      } else {
        in_profile = trimmed(line.substr(1, line.size() - 2)) == profile;
      }
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      return fail(Code::invalid_parameter, "line " + std::to_string(number) + " is neither [profile] nor name = value");
    }
    if (!in_profile) continue;
    const auto name = trimmed(line.substr(0, equals));
    const auto value = std::string(trimmed(line.substr(equals + 1)));
    if (name == "aws_access_key_id") found.access_key_id = value;
    if (name == "aws_secret_access_key") found.secret_access_key = value;
    if (name == "region") found.region = value;
  }
  if (!whole()) return std::nullopt;
  return found;
}

Result<api::auth::SigningCredentials> parse_shared_credentials(const std::string& text, const std::string& what,
                                                               const std::string& region) {
  auto parsed = credentials_of_profile(text, "");
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

Result<AwsCredentials> find_aws_credentials(const Environment& environment) {
  const auto id = environment("AWS_ACCESS_KEY_ID");
  const auto secret = environment("AWS_SECRET_ACCESS_KEY");
  if (id && secret && !id->empty() && !secret->empty()) return AwsCredentials{*id, *secret, "", "AWS_ACCESS_KEY_ID"};
  if (id && !id->empty()) {
    return fail(Code::client, "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY; set both (as `berth key create` printed them)");
  }
  const auto named_file = environment("AWS_SHARED_CREDENTIALS_FILE");
  const auto home = environment("HOME");
  const std::string file = named_file && !named_file->empty() ? *named_file
                           : home && !home->empty()            ? *home + "/.aws/credentials"
                                                               : "";
  const auto named_profile = environment("AWS_PROFILE");
  const std::string profile = named_profile && !named_profile->empty() ? *named_profile : "default";
  if (file.empty()) return fail(Code::client, std::string("no credentials: HOME is not set; ") + k_what_to_set);
  auto text = read_file_range(file, 0, k_max_file_bytes + 1);
  if (!text) {
    if (text.error().sys_errno == ENOENT) return fail(Code::client, "no credentials: " + file + " does not exist; " + k_what_to_set);
    return fail(Code::client, "cannot read the credentials in " + file + ": " + text.error().message);
  }
  if (text->size() > k_max_file_bytes) return fail(Code::client, file + " is larger than 1 MiB: not a credentials file");
  auto parsed = credentials_of_profile(*text, profile);
  if (!parsed) return fail(Code::client, file + ": " + parsed.error().message);
  if (!*parsed) {
    return fail(Code::client, "no credentials: " + file + " has no key for profile " + profile + "; " + k_what_to_set);
  }
  (*parsed)->source = file + " [" + profile + "]";
  return std::move(**parsed);
}

}  // namespace berth::cli
