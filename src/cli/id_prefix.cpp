#include "cli/id_prefix.hpp"

namespace berth::cli {

std::string short_id(std::string_view id) { return std::string(id.substr(0, k_short_id_length)); }

std::string_view last_arn_part(std::string_view arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string_view::npos ? arn : arn.substr(slash + 1);
}

Result<Candidate> resolve_prefix(std::string_view word, const std::vector<Candidate>& candidates, std::string_view what,
                                 std::string_view hint) {
  constexpr std::size_t k_listed = 10;
  std::vector<const Candidate*> matches;
  for (const Candidate& c : candidates) {
    if (c.id == word) return c;  // an exact id wins over the longer ids it prefixes
    if (!word.empty() && std::string_view(c.id).starts_with(word)) matches.push_back(&c);
  }
  if (matches.size() == 1) return *matches.front();
  if (matches.empty()) {
    return fail(Code::invalid_parameter, "no " + std::string(what) + " matches '" + std::string(word) + "'; " +
                                             std::string(hint));
  }
  std::string listed;
  for (std::size_t i = 0; i < matches.size() && i < k_listed; ++i) {
    const Candidate& c = *matches[i];
    listed += "\n  " + c.id + (c.kind.empty() ? "" : "  " + c.kind) + (c.label.empty() ? "" : "  " + c.label);
  }
  if (matches.size() > k_listed) listed += "\n  ... and " + std::to_string(matches.size() - k_listed) + " more";
  return fail(Code::invalid_parameter, "'" + std::string(word) + "' matches " + std::to_string(matches.size()) + " " +
                                           std::string(what) + "s; give more characters of the one you mean:" + listed);
}

}  // namespace berth::cli
