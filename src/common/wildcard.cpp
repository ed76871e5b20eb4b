#include "common/wildcard.hpp"

namespace berth {
namespace {

char fold(char c, Case letter_case) {
  return letter_case == Case::insensitive && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, Case letter_case, Wildcards wildcards) {
  const bool question = wildcards == Wildcards::star_and_question;
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    // '*' first: a '*' in the text is not taken for the pattern's '*' literally.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && ((question && pattern[p] == '?') || fold(pattern[p], letter_case) == fold(text[t], letter_case))) {
      ++p, ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace berth
