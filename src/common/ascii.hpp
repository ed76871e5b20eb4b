// ASCII text helpers for protocol text (HTTP heads, query strings, SigV4 canonical requests),
// where case folding and escapes are defined on ASCII only, never by the locale. Pure; thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace berth {

[[nodiscard]] constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::ranges::equal(a, b, [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// The value of hex digit `c` (either case), or -1.
[[nodiscard]] constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

enum class PlusIsSpace { no, yes };

// `text` with each %XX escape decoded (and '+' as a space in form-encoded query text); a '%' not
// followed by two hex digits stays as it is.
[[nodiscard]] inline std::string percent_decode(std::string_view text, PlusIsSpace plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 && hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2])));
      i += 2;
    } else if (text[i] == '+' && plus_is_space == PlusIsSpace::yes) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace berth
