#include "agent/log_forward_batch.hpp"

#include <algorithm>

namespace berth::agent {

std::size_t json_bytes_at_most(std::string_view message) {
  std::size_t bytes = 0;
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    bytes += u < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : u >= 0x80 ? 3 : 1;
  }
  return bytes;
}

namespace {

// The longest prefix of `message` (at most k_put_max_message bytes) whose JSON fits `budget`.
std::size_t fitting_size(std::string_view message, std::size_t budget) {
  std::size_t size = 0, json = 0;
  for (const char c : message.substr(0, k_put_max_message)) {
    json += json_bytes_at_most(std::string_view(&c, 1));
    if (json > budget) break;
    ++size;
  }
  return size;
}

}  // namespace

ForwardBatch take_batch(std::span<const store::StoredLogEvent> stored, store::LogPosition from, std::size_t request_bytes) {
  ForwardBatch batch;
  batch.end = from;
  std::size_t bytes = 0, json = 0;
  for (const auto& event : stored) {
    if (event.position < from) continue;  // before the cursor: sent already
    if (event.message.empty()) {
      ++batch.empty_skipped;
    } else {
      std::size_t size = std::min(event.message.size(), k_put_max_message);
      std::size_t event_json = json_bytes_at_most(std::string_view(event.message).substr(0, size)) + k_request_event_overhead;
      if (!batch.events.empty()) {
        const EpochMs first = batch.events.front().timestamp, last = batch.events.back().timestamp;
        if (batch.events.size() >= k_put_max_events || bytes + size + k_put_event_overhead > k_put_max_bytes ||
            json + event_json > request_bytes || event.timestamp < last || event.timestamp - first > k_put_max_span_ms) {
          break;
        }
      } else if (event_json > request_bytes) {
        size = fitting_size(event.message, request_bytes - std::min(request_bytes, k_request_event_overhead));
        event_json = request_bytes;
      }
      bytes += size + k_put_event_overhead;
      json += event_json;
      if (size < event.message.size()) ++batch.truncated;
      batch.events.push_back({event.timestamp, event.message.substr(0, size)});
      batch.ends.emplace_back();
    }
    batch.end = {event.position.seq, event.position.offset + store::k_log_record_overhead + event.message.size()};
    if (!batch.ends.empty()) batch.ends.back() = batch.end;
  }
  return batch;
}

std::size_t already_sent(const std::vector<ForwardedEvent>& central_tail, const std::vector<ForwardedEvent>& batch,
                         const std::optional<ForwardedEvent>& last_acked, std::size_t requested) {
  for (std::size_t m = std::min(central_tail.size(), batch.size()); m > 0; --m) {
    const auto tail_start = central_tail.end() - static_cast<std::ptrdiff_t>(m);
    if (!std::equal(tail_start, central_tail.end(), batch.begin())) continue;
    if (last_acked) {
      const bool anchored = tail_start != central_tail.begin() ? *(tail_start - 1) == *last_acked
                                                               : central_tail.size() >= requested;
      if (!anchored) continue;
    }
    return m;
  }
  return 0;
}

}  // namespace berth::agent
