#include "cli/shared_credentials.hpp"

#include <map>

#include "common/files.hpp"
#include "common/split.hpp"

namespace berth::cli {
namespace {

constexpr std::size_t k_max_file_bytes = 64 * 1024;
constexpr std::size_t k_max_value = 256;

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool printable(std::string_view value) {
  return !value.empty() && value.size() <= k_max_value &&
         std::ranges::all_of(value, [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

Result<api::auth::SigningCredentials> parse_shared_credentials(const std::string& text, const std::string& what,
                                                               const std::string& region) {
  // Profiles in file order, each a map of its keys.
  std::vector<std::map<std::string, std::string, std::less<>>> profiles;
  for (const auto raw : split(text, '\n')) {
    const auto line = trimmed(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      profiles.emplace_back();
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || profiles.empty()) continue;
    profiles.back()[std::string(trimmed(line.substr(0, eq)))] = std::string(trimmed(line.substr(eq + 1)));
  }
  for (const auto& profile : profiles) {
    const auto id = profile.find("aws_access_key_id"), secret = profile.find("aws_secret_access_key");
    if (id == profile.end() || secret == profile.end()) continue;
    const auto named_region = profile.find("region");
    api::auth::SigningCredentials out{id->second, secret->second,
                                      named_region == profile.end() ? region : named_region->second};
    if (!printable(out.access_key_id) || !printable(out.secret_access_key) || !printable(out.region)) {
      return fail(Code::invalid_parameter, what + ": aws_access_key_id, aws_secret_access_key and region must be 1 to " +
                                               std::to_string(k_max_value) + " printable characters");
    }
    return out;
  }
  return fail(Code::invalid_parameter,
              what + ": no [profile] with aws_access_key_id and aws_secret_access_key (the format `berth key create` prints)");
}

Result<api::auth::SigningCredentials> read_shared_credentials(const std::string& path, const std::string& region) {
  BERTH_ASSIGN(const std::string text, read_file_range(path, 0, k_max_file_bytes + 1));
  if (text.size() > k_max_file_bytes) {
    return fail(Code::invalid_parameter, path + ": larger than " + std::to_string(k_max_file_bytes >> 10) + " KiB");
  }
  return parse_shared_credentials(text, path, region);
}

}  // namespace berth::cli
