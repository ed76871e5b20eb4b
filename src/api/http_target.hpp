// The request target of an HTTP request: its percent-decoded path and query parameters. Pure
// functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"

namespace berth::api {

struct RequestTarget {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded; the first of repeated names wins
  std::vector<std::pair<std::string, std::string>> parameters;  // decoded, all, in order
};

// The values of every query parameter named `name`, in order (TagKeys=a&TagKeys=b).
std::vector<std::string> query_values(const RequestTarget& target, std::string_view name);

// Splits an origin-form (or absolute-form) request target into its decoded path and query.
RequestTarget parse_target(std::string_view target);

}  // namespace berth::api
