// Enums that travel on the wire as fixed strings ("RUNNING", "bridge"): one table of names per
// enum (WireNames<E>), and the two conversions every such enum shares. Pure; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace berth::model {

// Specialised next to each enum: `static constexpr std::array<std::string_view, N> names`, the
// wire spelling of each enumerator in declaration order (the enumerators are 0..N-1).
template <class E>
struct WireNames;

// Returns the wire spelling of `value`.
template <class E>
constexpr std::string_view to_wire(E value) {
  return WireNames<E>::names[static_cast<std::size_t>(value)];
}

// Returns the enumerator spelled `text` on the wire (case-sensitive, as AWS), or nothing.
template <class E>
constexpr std::optional<E> from_wire(std::string_view text) {
  const auto& names = WireNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Returns every wire spelling of E, for a request shape's enum check.
template <class E>
std::vector<std::string_view> wire_names() {
  return {WireNames<E>::names.begin(), WireNames<E>::names.end()};
}

}  // namespace berth::model
