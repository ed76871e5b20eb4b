// Checked parsing of integers from untrusted text (API bodies, image files, stored records):
// the whole text must be the number, in range for T. Pure; thread-safe.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace berth {

// Returns the decimal integer `text` spells (no sign for unsigned T, no spaces, no "+"), or
// std::nullopt if it is empty, has anything else, or does not fit T.
template <class T>
[[nodiscard]] std::optional<T> parse_integer(std::string_view text) {
  if (text.empty()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace berth
