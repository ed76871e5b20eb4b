// One record of a shim's container log (the CRI "k8s-file" format LogWriter writes):
// `<RFC 3339 UTC time with nanoseconds> <stdout|stderr> <F|P> <text>`. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace berth::runtime {

struct ShimLogRecord {
  std::int64_t ns = 0;  // nanoseconds since the epoch
  bool stderr_ = false;
  bool partial = false;  // P: the line goes on in the next record
  std::string_view text;
};

// Returns `line` (without its newline) parsed, or nothing when it is not such a record.
std::optional<ShimLogRecord> parse_shim_log_record(std::string_view line);

}  // namespace berth::runtime
