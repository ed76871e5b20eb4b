// Splitting text at a separator. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace berth {

// Returns the parts of `text` between `separator`s, empty ones included ("a::b" → a, "", b); the
// views point into `text`.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace berth
