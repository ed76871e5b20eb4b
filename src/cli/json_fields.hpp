// Reading members of the API's replies without trusting their types: the verbs print what the
// daemon sent, and a member missing or of another type shows as a default instead of throwing.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "model/schema.hpp"

namespace berth::cli {

// `object[key]` when it is a string, else `otherwise`.
inline std::string text_member(const model::Json& object, const char* key, const char* otherwise = "") {
  if (!object.is_object()) return otherwise;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string(otherwise);
}

// `object[key]` when it is an integer, else `otherwise`.
inline std::int64_t integer_member(const model::Json& object, const char* key, std::int64_t otherwise = 0) {
  if (!object.is_object()) return otherwise;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : otherwise;
}

// `object[key]` when it is a boolean, else `otherwise`.
inline bool boolean_member(const model::Json& object, const char* key, bool otherwise = false) {
  if (!object.is_object()) return otherwise;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

// `object[key]` when it is an array, else an empty one.
inline const model::Json& array_member(const model::Json& object, const char* key) {
  static const model::Json k_empty = model::Json::array();
  if (!object.is_object()) return k_empty;
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : k_empty;
}

}  // namespace berth::cli
