#include "model/request_members.hpp"

#include <algorithm>

namespace berth::model {

bool includes(const Json& body, std::string_view field) {
  const auto it = body.find("include");
  return it != body.end() && std::find(it->begin(), it->end(), Json(std::string(field))) != it->end();
}

std::vector<std::string> strings_of(const Json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.get<std::string>());
  return out;
}

Result<std::vector<std::string>> described_arns(const Json& list, const char* member, std::size_t max) {
  auto arns = strings_of(list);
  if (arns.empty() || arns.size() > max) {
    return fail(Code::invalid_parameter, std::string(member) + " takes 1 to " + std::to_string(max) + " ARNs; " +
                                             std::to_string(arns.size()) + " were given.");
  }
  return arns;
}

std::optional<std::string> optional_string(const Json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace berth::model
