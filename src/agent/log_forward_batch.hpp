// The pure parts of the log forwarder: a PutLogEvents batch cut from a stream's stored events
// within CloudWatch's limits, how much of a batch the central stream already holds (after a
// restart or an unanswered call), and the bounded exponential backoff. No I/O; thread-compatible.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "agent/logs_endpoint.hpp"
#include "store/log_store.hpp"

namespace berth::agent {

// PutLogEvents' limits, as CloudWatch states them.
inline constexpr std::size_t k_put_max_events = 10'000;
inline constexpr std::size_t k_put_max_bytes = 1'048'576;  // messages' bytes + 26 per event
inline constexpr std::size_t k_put_event_overhead = 26;
inline constexpr std::size_t k_put_max_message = 262'144 - k_put_event_overhead;
inline constexpr EpochMs k_put_max_span_ms = 24 * 3'600'000;
// A request's body is larger than its messages: JSON escapes them, and wraps each event. A berth
// endpoint refuses bodies over BERTH_MAX_BODY_BYTES (1 MiB by default) for good, so a batch
// also keeps its request within this many bytes, counted at the worst each byte can become.
inline constexpr std::size_t k_default_request_bytes = (1u << 20) - 4096;
inline constexpr std::size_t k_request_event_overhead = 48;  // {"timestamp":...,"message":""},

// The most bytes `message` can take in a JSON request: 6 for a control character (\u00XX),
// 2 for '"' and '\\', 3 for a byte of a non-ASCII character (replaced by U+FFFD if it is not
// UTF-8), 1 for the others.
std::size_t json_bytes_at_most(std::string_view message);

struct ForwardBatch {
  std::vector<ForwardedEvent> events;
  std::vector<store::LogPosition> ends;  // per event, the stream's position after it
  // The stream's position after the last stored event the batch took (sent or skipped): the
  // cursor once the endpoint acknowledged the batch.
  store::LogPosition end;
  std::size_t empty_skipped = 0;  // PutLogEvents refuses empty messages: not sent
  std::size_t truncated = 0;      // cut to k_put_max_message bytes, or to fit the request
};

// Returns the longest run of `stored` (one stream's events in storage order, read from `from`)
// that one PutLogEvents takes: at most k_put_max_events events and k_put_max_bytes (and
// `request_bytes` of JSON, json_bytes_at_most; a single event over it is cut), spanning at
// most k_put_max_span_ms, in time order (the batch ends before an event older than the one
// before it, which then opens the next batch, so the central stream keeps the stored order).
// With nothing to take, `events` is empty and `end` is `from`.
ForwardBatch take_batch(std::span<const store::StoredLogEvent> stored, store::LogPosition from,
                        std::size_t request_bytes = k_default_request_bytes);

// Returns how many of `batch`'s first events the central stream already ends with, given
// `central_tail`, its last events as GetLogEvents gave them when asked for `requested`: the
// largest m such that the tail ends with batch[0, m) and, when `last_acked` (the event before the
// batch, acknowledged earlier) is known, the tail's event before those m is that one. A tail
// shorter than asked is the whole stream, so it must hold that event too; a full tail that starts
// with the m events cannot show it, and they count as sent. Events equal in timestamp and
// message cannot be told apart otherwise (see README, "Forwarding to a central endpoint").
std::size_t already_sent(const std::vector<ForwardedEvent>& central_tail, const std::vector<ForwardedEvent>& batch,
                         const std::optional<ForwardedEvent>& last_acked, std::size_t requested);

// Bounded exponential backoff: `first` after the first failure, doubled after each further one
// up to `max`; a success starts over.
class Backoff {
 public:
  Backoff(EpochMs first, EpochMs max) : m_first(first), m_max(max) {}
  // Returns how long to wait after one more failure.
  EpochMs failed() {
    m_next = m_next == 0 ? m_first : std::min(m_next * 2, m_max);
    return m_next;
  }
  void succeeded() { m_next = 0; }

 private:
  const EpochMs m_first, m_max;
  EpochMs m_next = 0;
};

}  // namespace berth::agent
