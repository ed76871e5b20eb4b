// The in-memory state of one log group of the LogStore (store/log_store.hpp), shared by its
// write side (log_store.cpp) and its reads (log_queries.cpp). Guarded by the LogStore's mutex.
#pragma once

#include <unistd.h>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/log_store.hpp"

namespace berth::store {

struct LogSegment {
  SegmentSummary summary;  // of the file's records and the pending ones
  bool sealed = false;
};

struct LogStreamEntry {
  std::string name;
  EpochMs created = 0;
};

struct LogStore::Group {
  std::uint64_t id = 0;
  std::string name;
  std::string dir;
  EpochMs created = 0;
  std::optional<int> retention_days;
  std::map<std::string, std::uint32_t> stream_ids;
  std::map<std::uint32_t, LogStreamEntry> streams;
  std::vector<LogSegment> segments;  // by seq; the last one is active unless sealed
  std::uint64_t next_seq = 1;
  int active_fd = -1;                // the active segment's, once written to
  std::uint64_t written = 0;         // bytes of the active segment in its file
  std::string pending;               // encoded records after `written`, not yet in the file
  // The newest deleted segments: seq and per stream id how many events each held (bounded).
  std::deque<std::pair<std::uint64_t, std::map<std::uint32_t, std::uint64_t>>> dropped;

  ~Group() {
    if (active_fd >= 0) ::close(active_fd);
  }
  std::string segment_path(std::uint64_t seq, const char* extension) const {
    return dir + "/" + std::to_string(seq) + extension;
  }
  // Events before this are past the retention and hidden (nothing without retention).
  std::optional<EpochMs> cutoff(EpochMs now) const {
    if (!retention_days) return std::nullopt;
    return now - static_cast<EpochMs>(*retention_days) * 86'400'000;
  }
};

// What a read needs, copied under the mutex: the segments' paths, sizes and summaries, and the
// active segment's pending bytes.
struct LogStore::ReadView {
  struct Segment {
    std::uint64_t seq = 0;
    std::string path;
    std::uint64_t file_bytes = 0;  // how much of the file to read
    std::string pending;           // then these
    SegmentSummary summary;
  };
  std::vector<Segment> segments;
  std::map<std::uint32_t, std::string> stream_names;
  std::map<std::string, std::uint32_t> stream_ids;
  std::optional<EpochMs> cutoff;
};

}  // namespace berth::store
