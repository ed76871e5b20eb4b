// Where a reader of a container's log stopped, so that the next read neither repeats nor skips a
// line: the file (its inode, which the shim's rotation keeps across renames) and the byte offset
// of the first record not read yet. `berth logs --follow` for a task on a joined gateway carries
// one per container, as opaque text, from reply to request. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct LogCursor {
  std::uint64_t file = 0;    // inode
  std::uint64_t offset = 0;  // bytes into that file
  bool operator==(const LogCursor&) const = default;
};

// What a cursor read gives: lines after the cursor ([{"time","stream","text"}], oldest first), the
// cursor after them, and whether complete lines past it exist already (the read's bound stopped it).
struct LogChunk {
  Json lines = Json::array();
  LogCursor next;
  bool more = false;
};

// "FILE.OFFSET" and back; nothing for text that is not two whole numbers joined by a dot.
std::string cursor_text(const LogCursor& cursor);
std::optional<LogCursor> parse_cursor(std::string_view text);

// A task's cursors by container name ("NAME:FILE.OFFSET,...", names as ECS allows them: letters,
// digits, '-' and '_') and back. InvalidParameterException for text that is not such a list.
std::string task_cursor_text(const std::map<std::string, LogCursor>& cursors);
[[nodiscard]] Result<std::map<std::string, LogCursor>> parse_task_cursor(std::string_view text);

}  // namespace berth::model
