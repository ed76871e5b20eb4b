#include "model/log_cursor.hpp"

#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::model {

std::string cursor_text(const LogCursor& cursor) {
  return std::to_string(cursor.file) + "." + std::to_string(cursor.offset);
}

std::optional<LogCursor> parse_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto file = parse_integer<std::uint64_t>(text.substr(0, dot));
  const auto offset = parse_integer<std::uint64_t>(text.substr(dot + 1));
  if (!file || !offset) return std::nullopt;
  return LogCursor{*file, *offset};
}

std::string task_cursor_text(const std::map<std::string, LogCursor>& cursors) {
  std::string out;
  for (const auto& [name, cursor] : cursors) {
    if (!out.empty()) out += ",";
    out += name + ":" + cursor_text(cursor);
  }
  return out;
}

Result<std::map<std::string, LogCursor>> parse_task_cursor(std::string_view text) {
  const auto invalid = [] { return fail(Code::invalid_parameter, "cursor is not one that a logs reply gave."); };
  std::map<std::string, LogCursor> out;
  if (text.empty()) return out;
  // A task has at most 10 containers: a longer list is not a reply's.
  const auto entries = split(text, ',');
  if (entries.size() > 10) return invalid();
  for (const auto entry : entries) {
    const auto colon = entry.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 255) return invalid();
    const auto name = entry.substr(0, colon);
    for (const char c : name) {
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!allowed) return invalid();
    }
    const auto cursor = parse_cursor(entry.substr(colon + 1));
    if (!cursor || !out.emplace(std::string(name), *cursor).second) return invalid();
  }
  return out;
}

}  // namespace berth::model
