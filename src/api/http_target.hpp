// The request target of an HTTP request: its percent-decoded path and query parameters. Pure
// functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace berth::api {

// Returns `text` with %XX sequences decoded (and '+' as a space if `plus_is_space`); a '%' not
// followed by two hex digits stays as it is.
enum class PlusIsSpace { no, yes };
std::string percent_decode(std::string_view text, PlusIsSpace plus_is_space);

struct RequestTarget {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded; the first of repeated names wins
};

// Splits an origin-form (or absolute-form) request target into its decoded path and query.
RequestTarget parse_target(std::string_view target);

}  // namespace berth::api
