// One page of a Cloud Map List* reply from a list already in key order (the lists are small and
// bounded: at most k_max_sd_namespaces, k_max_sd_services, instances of one service). Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/paging.hpp"

namespace berth::svc {

// {"<member>": [the items after page.after, at most page.limit], "NextToken"?: ...}.
inline model::Json paged_reply(const char* member, const std::string& list_name,
                               const std::vector<std::pair<std::string, model::Json>>& keyed_items,
                               const model::PageRequest& page) {
  model::Json items = model::Json::array();
  std::string last;
  bool more = false;
  for (const auto& [key, item] : keyed_items) {
    if (!page.after.empty() && key <= page.after) continue;
    if (items.size() == page.limit) {
      more = true;
      break;
    }
    items.push_back(item);
    last = key;
  }
  model::Json out{{member, items}};
  if (more) out["NextToken"] = model::make_next_token(list_name, last);
  return out;
}

}  // namespace berth::svc
