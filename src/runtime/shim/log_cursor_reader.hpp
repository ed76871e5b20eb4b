// Reading a container's log (log_writer.hpp's files) from a cursor on, for `berth logs --follow`
// of a task on a joined gateway: each read gives the complete lines after the cursor and the
// cursor after them, across the shim's rotations, so repeated reads neither repeat nor skip a
// line that is still on disk. Thread-safe (reads files only; the shim may write and rotate
// meanwhile).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "model/log_cursor.hpp"

namespace berth::runtime {

// Bytes a line counts for against a read's bound besides its text (its time, stream and JSON).
inline constexpr std::size_t k_log_line_overhead = 64;

// Returns the complete lines of the log at `path` (with its `keep_files` rotated files) after
// `from` (nothing: from the oldest line on disk), oldest first, while their text plus
// k_log_line_overhead each stays within `max_bytes` (at least one line; a longer one's text is
// cut to max_bytes), the cursor after the last line given, and whether complete lines follow.
// A line still being written (no newline yet, or partial records) waits for the next read. When
// `from`'s file is no longer on disk (rotated away) the read starts at the oldest line left: what
// the deleted files held is gone. Missing files read as empty.
model::LogChunk read_log_after(const std::string& path, int keep_files, const std::optional<model::LogCursor>& from,
                               std::size_t max_bytes);

}  // namespace berth::runtime
