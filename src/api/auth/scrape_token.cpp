#include "api/auth/scrape_token.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "api/auth/digest.hpp"
#include "common/files.hpp"
#include "common/ids.hpp"

namespace berth::api::auth {
namespace {

constexpr std::size_t k_token_bytes = 32;
constexpr std::size_t k_min_token_chars = 16;
constexpr off_t k_max_file_bytes = 4096;
constexpr std::string_view k_scheme = "bearer";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_token_char(char c) { return c > ' ' && c < 0x7f; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Result<std::string> load_or_create_scrape_token(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return sys_fail("cannot read the metrics scrape token " + path);
    std::string fresh = random_hex(k_token_bytes);
    BERTH_TRY(write_file_atomic(path, fresh + "\n", 0600));
    return fresh;
  }
  if ((st.st_mode & 077) != 0) {
    return fail(Code::server, "the metrics scrape token " + path +
                                  " may be read by group or others; make it private (chmod 600) before berth uses it");
  }
  if (!S_ISREG(st.st_mode) || st.st_size > k_max_file_bytes) {
    return fail(Code::server, "the metrics scrape token " + path + " is not a small regular file; remove it and "
                              "restart berth to have a new one made");
  }
  BERTH_ASSIGN(const std::string text, read_file(path));
  const std::string_view token = trimmed(text);
  if (token.size() < k_min_token_chars || !std::ranges::all_of(token, is_token_char)) {
    return fail(Code::server, "the metrics scrape token in " + path + " must be at least " +
                                  std::to_string(k_min_token_chars) +
                                  " printable characters without spaces; remove it and restart berth to have one made");
  }
  return std::string(token);
}

bool is_bearer(std::string_view authorization) {
  if (authorization.size() <= k_scheme.size() || authorization[k_scheme.size()] != ' ') return false;
  return std::ranges::equal(authorization.substr(0, k_scheme.size()), k_scheme,
                            [](char a, char b) { return lower(a) == b; });
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  if (token.empty() || !is_bearer(authorization)) return false;
  return constant_time_equal(trimmed(authorization.substr(k_scheme.size() + 1)), token);
}

}  // namespace berth::api::auth
