// The json-file driver's attrs (Docker writes them into each line; berth's file is the CRI
// format, so they are kept once per container): a JSON object of strings in a file next to the
// container's log, "<log root>/<id>.attrs", written when the container is made and read by the
// logs API. Thread-safe (no state).
#pragma once

#include <map>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// The attrs file of the log at `log_path` (".log" replaced by ".attrs": the log ingester, which
// follows "*.log" and "*.log.N", does not take it for a log).
std::string log_attributes_path(const std::string& log_path);
// Writes `attributes` (atomically), or removes the file when there are none.
[[nodiscard]] Result<void> write_log_attributes(const std::string& log_path, const std::map<std::string, std::string>& attributes);
// The attrs of the log at `log_path`; none when there is no file or it is not such an object
// (read bounded: at most 64 KiB).
std::map<std::string, std::string> read_log_attributes(const std::string& log_path);

}  // namespace berth::runtime
