#include "runtime/network/dns_resolv_conf.hpp"

#include "common/split.hpp"

namespace berth::runtime {
namespace {

// The first word of `line` and the rest, blanks trimmed.
std::pair<std::string_view, std::string_view> key_and_value(std::string_view line) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  while (!line.empty() && blank(line.back())) line.remove_suffix(1);
  std::size_t end = 0;
  while (end < line.size() && !blank(line[end])) ++end;
  std::string_view value = line.substr(end);
  while (!value.empty() && blank(value.front())) value.remove_prefix(1);
  return {line.substr(0, end), value};
}

}  // namespace

std::vector<std::string> resolv_conf_nameservers(std::string_view text) {
  std::vector<std::string> out;
  for (const auto line : split(text, '\n')) {
    const auto [key, value] = key_and_value(line);
    if (key != "nameserver" || value.empty() || out.size() == 3) continue;
    out.emplace_back(value.substr(0, value.find_first_of(" \t")));
  }
  return out;
}

std::string resolv_conf_via(const std::string& address, std::string_view host_resolv_conf) {
  std::string out = "nameserver " + address + "\n";
  for (const auto line : split(host_resolv_conf, '\n')) {
    const auto key = key_and_value(line).first;
    if (key == "search" || key == "domain" || key == "options") out += std::string(line) + "\n";
  }
  return out;
}

}  // namespace berth::runtime
