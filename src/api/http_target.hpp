// The request target of an HTTP request: its percent-decoded path and query parameters. Pure
// functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/ascii.hpp"

namespace berth::api {

struct RequestTarget {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded; the first of repeated names wins
};

// Splits an origin-form (or absolute-form) request target into its decoded path and query.
RequestTarget parse_target(std::string_view target);

}  // namespace berth::api
