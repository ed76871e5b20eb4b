// One segment of the log store: an append-only file of CloudWatch Logs events, each record
//   u32 message length | u32 stream id | i64 timestamp ms | i64 ingestion ms | i64 source ns |
//   message bytes | u32 FNV-1a of everything before it
// (little-endian, 36 bytes beside the message), and the summary of what a segment holds (time
// range, and per stream its count, time range and how far its container's output was read), kept
// in memory for the segments of every group and written beside a sealed segment as <seq>.idx so
// a start reads no sealed segment. A record cut short by a power cut fails its checksum: the
// scan stops there and the tail is truncated. Pure codec and file scans; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace berth::store {

// CloudWatch's own limit on one event's message.
inline constexpr std::size_t k_max_log_message = 256 * 1024;
inline constexpr std::size_t k_log_record_overhead = 36;

struct LogRecord {
  std::uint32_t stream = 0;
  EpochMs timestamp = 0;
  EpochMs ingestion = 0;
  // For events read from a container's output: the shim's nanosecond time of the last line the
  // event holds, so a restarted berth resumes after it; 0 for events put through the API.
  std::int64_t source_ns = 0;
  std::string_view message;
};

// Appends `record` encoded to `out`. Precondition: message ≤ k_max_log_message.
void encode_log_record(const LogRecord& record, std::string& out);

// Calls `visit(record, offset_of_record)` for each whole record of `bytes` (offsets start at
// `base`); `visit` returns false to stop. Returns how many bytes held whole, valid records.
std::size_t scan_log_records(std::string_view bytes, std::uint64_t base,
                             const std::function<bool(const LogRecord&, std::uint64_t)>& visit);

struct StreamRange {
  EpochMs first = 0, last = 0;  // event timestamps
  EpochMs last_ingestion = 0;
  std::uint64_t count = 0, bytes = 0;
  std::int64_t last_source_ns = 0;      // the greatest source_ns, and how many events carry it
  std::uint32_t at_last_source_ns = 0;
};

struct SegmentSummary {
  std::uint64_t seq = 0;
  std::uint64_t bytes = 0;  // file size (valid records)
  EpochMs min_ts = 0, max_ts = 0;
  std::map<std::uint32_t, StreamRange> streams;

  void add(const LogRecord& record);
  bool empty() const { return streams.empty(); }
};

// The summary as the .idx file holds it (one line of text), and back; nothing for a malformed one.
std::string encode_summary(const SegmentSummary& summary);
std::optional<SegmentSummary> decode_summary(std::string_view text);

}  // namespace berth::store
