#include "model/log_tag.hpp"

#include <optional>

namespace berth::model {
namespace {

constexpr std::size_t k_max_tag = 256;
constexpr std::string_view k_extra = "(.ExtraAttributes nil).";

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Drops Docker's "sha256:" (stringid.TruncateID cuts at the ':') and keeps 12 characters.
std::string truncated_id(std::string_view id) {
  if (const auto colon = id.find(':'); colon != std::string_view::npos) id.remove_prefix(colon + 1);
  return std::string(id.substr(0, 12));
}

bool attribute_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) return false;
  }
  return true;
}

// The value of one action (the text between "{{" and "}}"), or nothing when berth does not know it.
std::optional<std::string> action_value(std::string_view action, const LogTagFields& f) {
  action = trimmed(action);
  if (action == ".ID") return truncated_id(f.full_id);
  if (action == ".FullID") return f.full_id;
  if (action == ".Name") return f.name;
  if (action == ".ImageID") return truncated_id(f.image_id);
  if (action == ".ImageFullID") return f.image_id;
  if (action == ".ImageName") return f.image_name;
  if (action == ".DaemonName") return std::string("berth");
  if (action.starts_with(k_extra) && attribute_key(action.substr(k_extra.size()))) {
    const auto it = f.attributes.find(std::string(action.substr(k_extra.size())));
    return it == f.attributes.end() ? std::string("<no value>") : it->second;
  }
  return std::nullopt;
}

}  // namespace

Result<void> check_log_tag(std::string_view tag) {
  if (tag.size() > k_max_tag) return fail(Code::client, "logConfiguration.options 'tag' must be at most 256 characters.");
  const LogTagFields none;
  for (auto open = tag.find("{{"); open != std::string_view::npos; open = tag.find("{{")) {
    const auto close = tag.find("}}", open);
    if (close == std::string_view::npos || !action_value(tag.substr(open + 2, close - open - 2), none)) {
      return fail(Code::client, "logConfiguration.options 'tag' '" + std::string(tag) +
                                    "': berth's tag templates are {{.ID}}, {{.FullID}}, {{.Name}}, {{.ImageID}}, "
                                    "{{.ImageFullID}}, {{.ImageName}}, {{.DaemonName}} and {{(.ExtraAttributes nil).KEY}}.");
    }
    tag.remove_prefix(close + 2);
  }
  return {};
}

std::string expand_log_tag(std::string_view tag, const LogTagFields& fields) {
  if (tag.empty()) tag = "{{.ID}}";
  std::string out;
  while (!tag.empty()) {
    const auto open = tag.find("{{");
    const auto close = open == std::string_view::npos ? open : tag.find("}}", open);
    const auto value = close == std::string_view::npos ? std::nullopt : action_value(tag.substr(open + 2, close - open - 2), fields);
    if (!value) {  // checked at registration; text that is no known action stays as written
      out += tag;
      break;
    }
    out += tag.substr(0, open);
    out += *value;
    tag.remove_prefix(close + 2);
  }
  return out;
}

}  // namespace berth::model
