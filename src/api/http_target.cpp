#include "api/http_target.hpp"

namespace berth::api {
RequestTarget parse_target(std::string_view target) {
  // absolute-form (a client speaking as to a proxy): the path starts after the authority.
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
    const auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  target = target.substr(0, target.find('#'));
  RequestTarget out;
  const auto question = target.find('?');
  out.path = percent_decode(target.substr(0, question), PlusIsSpace::no);
  std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty()) {
      std::string name = percent_decode(pair.substr(0, eq), PlusIsSpace::yes);
      std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), PlusIsSpace::yes);
      out.query.emplace(name, value);
      out.parameters.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::vector<std::string> query_values(const RequestTarget& target, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : target.parameters) {
    if (key == name) out.push_back(value);
  }
  return out;
}

}  // namespace berth::api
