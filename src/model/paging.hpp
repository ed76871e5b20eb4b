// List* pagination as ECS does it: maxResults 1–100 and an opaque nextToken that continues after
// the last key returned. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct PageRequest {
  std::string after;      // continue with keys after this one ("" = from the start)
  std::size_t limit = 100;
};

// Reads `maxResults` (already range-checked by the shape) and `nextToken` from a request (other
// AWS services spell them MaxResults and NextToken: pass those names).
// Returns InvalidParameterException for a token berth did not issue for `list_name`.
[[nodiscard]] Result<PageRequest> read_page_request(const Json& request, std::size_t default_limit,
                                                    const std::string& list_name,
                                                    const char* max_results_member = "maxResults",
                                                    const char* next_token_member = "nextToken");

// Returns the token that continues `list_name` after `last_key`.
std::string make_next_token(const std::string& list_name, const std::string& last_key);

// One page of a List* reply: the items (ARNs, names) and, when more follow, the token.
struct Page {
  std::vector<std::string> items;
  std::optional<std::string> next_token;
};

// Returns {"<member>": [items...]} with "nextToken" when the page has one.
Json page_to_json(const char* member, const Page& page);

}  // namespace berth::model
