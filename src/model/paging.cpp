#include "model/paging.hpp"

#include "common/base64.hpp"

namespace berth::model {

Result<PageRequest> read_page_request(const Json& request, std::size_t default_limit,
                                      const std::string& list_name, const char* max_results_member,
                                      const char* next_token_member) {
  PageRequest page;
  page.limit = request.contains(max_results_member) ? request[max_results_member].get<std::size_t>() : default_limit;
  if (request.contains(next_token_member)) {
    const auto decoded = base64_decode(request[next_token_member].get<std::string>());
    const std::string prefix = list_name + "\n";
    if (!decoded || !decoded->starts_with(prefix) || decoded->size() == prefix.size()) {
      return fail(Code::invalid_parameter, "The nextToken is not valid for this request.");
    }
    page.after = decoded->substr(prefix.size());
  }
  return page;
}

std::string make_next_token(const std::string& list_name, const std::string& last_key) {
  return base64_encode(list_name + "\n" + last_key);
}

Json page_to_json(const char* member, const Page& page) {
  Json out{{member, page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace berth::model
