// Checked parsing of numbers from untrusted text (API members, image files, config, files berth
// wrote but a crash may have cut short). Never throws, never wraps, never reads past the text.
// Pure functions; thread-safe.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace berth {

// The whole of `text` as a decimal (or `base`) integer of type T: nullopt if it is empty, has
// anything but digits (a leading '-' only for signed T; no '+', no spaces), or does not fit T.
template <class T>
[[nodiscard]] std::optional<T> parse_integer(std::string_view text, int base = 10) {
  T value{};
  const char* const end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || ec != std::errc() || stop != end) return std::nullopt;
  return value;
}

// Like parse_integer, and also within [low, high].
template <class T>
[[nodiscard]] std::optional<T> parse_integer_in(std::string_view text, T low, T high) {
  const auto value = parse_integer<T>(text);
  if (!value || *value < low || *value > high) return std::nullopt;
  return value;
}

// The leading digits of `text` as T, with how many characters they took; nullopt if there is no
// digit or the number does not fit T. For formats that put text after a number ("12.5", "7d").
template <class T>
struct LeadingNumber {
  T value;
  std::size_t length;
};
template <class T>
[[nodiscard]] std::optional<LeadingNumber<T>> parse_leading_integer(std::string_view text) {
  T value{};
  const auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return LeadingNumber<T>{value, static_cast<std::size_t>(stop - text.data())};
}

// `text` without leading and trailing white space (numbers in files end with a newline).
[[nodiscard]] inline std::string_view trim(std::string_view text) {
  constexpr std::string_view k_space = " \t\r\n";
  const auto first = text.find_first_not_of(k_space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(k_space) - first + 1);
}

}  // namespace berth
