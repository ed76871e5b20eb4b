#include "agent/log_forwarder.hpp"

#include <set>

#include "common/log.hpp"

namespace berth::agent {
namespace {

// A create that finds the resource there already has done its job.
Result<void> made_or_there(Result<void> made) {
  if (!made && made.error().code == Code::resource_already_exists) return {};
  return made;
}

std::string stream_name(const std::string& group, const std::string& stream) { return group + " " + stream; }

store::LogPosition end_of(const store::StoredLogEvent& event) {
  return {event.position.seq, event.position.offset + store::k_log_record_overhead + event.message.size()};
}

}  // namespace

LogForwarder::LogForwarder(LogForwarderOptions options, store::LogStore& logs, LogsEndpoint& endpoint, const Clock& clock)
    : m_options(std::move(options)),
      m_logs(logs),
      m_endpoint(endpoint),
      m_clock(clock),
      m_cursors(ForwardCursors::load(m_options.cursor_path, m_options.endpoint)),
      m_backoff(m_options.backoff_first_ms, m_options.backoff_max_ms) {}

LogForwarder::~LogForwarder() { stop(); }

void LogForwarder::start() {
  log_info("log forwarder: shipping the CloudWatch Logs store to " + m_options.endpoint + " (" +
           std::to_string(m_cursors.size()) + " stream cursors in " + m_options.cursor_path + ")");
  m_worker.start("log forwarder", std::chrono::milliseconds(m_options.tick_ms), [this] {
    if (pass()) m_worker.wake();
  });
}

void LogForwarder::stop() { m_worker.stop(); }

bool LogForwarder::pass() {
  const EpochMs now = m_clock.now_ms();
  if (now < m_retry_at) return false;
  std::set<ForwardCursors::Key> present;
  bool more = false, failing = false;
  for (const auto& group : m_logs.groups("")) {
    const auto extent = m_logs.extent(group.name);
    auto streams = m_logs.streams(group.name);
    if (!extent || !streams) continue;  // deleted meanwhile
    for (const auto& stream : *streams) {
      present.insert({group.name, stream.name});
      if (failing) continue;
      const Step step = forward(group.name, stream.name, *extent);
      more = more || step == Step::sent;
      failing = step == Step::failed;
    }
  }
  // Streams gone with their group: their cursors would only grow the file.
  m_cursors.keep_only([&](const ForwardCursors::Key& key) { return present.contains(key); });
  std::erase_if(m_streams, [&](const auto& entry) { return !present.contains(entry.first); });
  if (auto saved = m_cursors.save(); !saved) log_warn("log forwarder: " + saved.error().message);
  if (failing) {
    // Logged at each backoff step: at most once a minute through a long outage.
    const EpochMs delay = m_backoff.failed();
    m_retry_at = now + delay;
    log_warn("log forwarder: " + m_failure + "; retrying in " + std::to_string(delay) + " ms");
    m_failing = true;
    return false;
  }
  if (more) {
    if (m_failing) log_info("log forwarder: " + m_options.endpoint + " takes events again");
    m_failing = false;
    m_backoff.succeeded();
  }
  return more;
}

LogForwarder::Step LogForwarder::forward(const std::string& group, const std::string& stream,
                                         const store::LogGroupExtent& extent) {
  const ForwardCursors::Key key{group, stream};
  StreamState& state = m_streams[key];
  if (m_clock.now_ms() < state.held_until) return Step::idle;
  // Nothing was written to the group since this stream had nothing left: no read at all.
  if (state.idle_at == extent.written_end) return Step::idle;
  auto known = m_cursors.find(key);
  ForwardCursor cursor = known && known->group_created == extent.created ? *known : ForwardCursor{extent.created, {}};
  if (cursor.next < extent.first) {
    const auto dropped = m_logs.dropped_events(group, stream, cursor.next);
    if (dropped.at_most > 0) {
      log_warn("log forwarder: " + stream_name(group, stream) + ": " + std::to_string(dropped.at_least) +
               (dropped.at_most > dropped.at_least ? " to " + std::to_string(dropped.at_most) : std::string()) +
               " events were deleted here (retention, BERTH_LOGS_MAX_BYTES) before they were forwarded; skipped");
    }
    cursor.next = extent.first;
    m_cursors.set(key, cursor);  // said once
  }
  // A cursor is where an event of its stream ends; after a power cut cut the newest segment short
  // (and the ingester stored the lost lines again from the shims' files, at other positions) it
  // may point past the segment's end or into another record: resume after the last event before
  // it, and let the endpoint's tail (skip_sent) tell what it holds of what follows. Once per stream
  // and start: the cursor moves only to events' ends after that, and the backward read goes over
  // its segment from the start, which an idle stream would otherwise pay at each write to its group.
  if (!state.cursor_checked && cursor.next.offset > 0) {
    const auto last = last_before(group, stream, cursor.next);
    const store::LogPosition end = last ? end_of(*last) : store::LogPosition{};
    if (end != cursor.next) {
      log_warn("log forwarder: " + stream_name(group, stream) + ": no event ends at the cursor (a power cut shortened the " +
               "store?); resuming after the last event before it");
      cursor.next = end;
      m_cursors.set(key, cursor);
    }
  }
  state.cursor_checked = true;
  store::StreamEventsQuery query;
  query.from = cursor.next;
  query.reach = store::ReadReach::written;
  query.limit = k_put_max_events;
  query.max_bytes = k_put_max_bytes;
  auto page = m_logs.stream_events(group, stream, query);
  if (!page) return Step::idle;  // the group went meanwhile
  ForwardBatch batch = take_batch(page->events, cursor.next);
  if (batch.events.empty()) {
    cursor.next = batch.end;  // past empty messages, if any
    m_cursors.set(key, cursor);
    state.idle_at = extent.written_end;
    return Step::idle;
  }
  state.idle_at.reset();
  if (!state.checked) {
    if (!skip_sent(group, stream, cursor, batch)) return Step::failed;
    state.checked = true;
    m_cursors.set(key, cursor);
    return Step::sent;  // the next pass reads from the cursor moved past what the endpoint holds
  }
  auto put = this->put(group, stream, batch);
  if (!put && put.error().code == Code::invalid_parameter) {
    // The endpoint refuses this batch's data, not the forwarder: the stream waits, not the others.
    state.held_until = m_clock.now_ms() + m_options.backoff_max_ms;
    log_error("log forwarder: PutLogEvents to " + stream_name(group, stream) + " refused: " + put.error().message +
              "; this stream tries again in " + std::to_string(m_options.backoff_max_ms) + " ms, the others go on");
    return Step::idle;
  }
  if (!put) {
    // A timeout or a 5xx may have stored the batch: look at the endpoint's tail before resending.
    if (put.error().code == Code::server) state.checked = false;
    failed("PutLogEvents to " + stream_name(group, stream), put.error());
    return Step::failed;
  }
  const std::size_t too_old = put->too_old_end, too_new = batch.events.size() - std::min(put->too_new_start, batch.events.size());
  if (too_old > 0 || too_new > 0) {
    log_warn("log forwarder: " + stream_name(group, stream) + ": the endpoint refused " + std::to_string(too_old) +
             " events as too old (or past its retention) and " + std::to_string(too_new) + " as too new");
  }
  if (batch.truncated > 0) {
    log_warn("log forwarder: " + stream_name(group, stream) + ": " + std::to_string(batch.truncated) + " events cut to " +
             std::to_string(k_put_max_message) + " bytes, PutLogEvents' limit");
  }
  cursor.next = batch.end;
  m_cursors.set(key, cursor);
  return Step::sent;
}

bool LogForwarder::skip_sent(const std::string& group, const std::string& stream, ForwardCursor& cursor,
                             const ForwardBatch& batch) {
  // One more than the batch, for the event acknowledged before it; GetLogEvents' limit is 10,000.
  const std::size_t requested = std::min(batch.events.size() + 1, k_put_max_events);
  auto tail = m_endpoint.last_events(group, stream, requested);
  if (!tail && tail.error().code != Code::resource_not_found) {
    failed("GetLogEvents of " + stream_name(group, stream), tail.error());
    return false;
  }
  if (!tail) return true;  // the endpoint has no such stream: nothing of it was sent
  // The event before the cursor, acknowledged earlier, anchors the comparison.
  std::optional<ForwardedEvent> last_acked;
  if (const auto last = last_before(group, stream, cursor.next)) {
    last_acked = ForwardedEvent{last->timestamp, last->message.substr(0, k_put_max_message)};
  }
  const std::size_t sent = already_sent(*tail, batch.events, last_acked, requested);
  if (sent > 0) {
    log_info("log forwarder: " + stream_name(group, stream) + ": the endpoint holds " + std::to_string(sent) +
             " events already (sent before, their acknowledgement unrecorded); not sent again");
    cursor.next = batch.ends[sent - 1];
  }
  return true;
}

std::optional<store::StoredLogEvent> LogForwarder::last_before(const std::string& group, const std::string& stream,
                                                                 store::LogPosition position) {
  if (position == store::LogPosition{}) return std::nullopt;
  store::StreamEventsQuery query;
  query.before = position;
  query.reach = store::ReadReach::written;
  query.limit = 1;
  auto page = m_logs.stream_events(group, stream, query);
  if (!page || page->events.empty()) return std::nullopt;
  return std::move(page->events.back());
}

Result<PutOutcome> LogForwarder::put(const std::string& group, const std::string& stream, const ForwardBatch& batch) {
  auto put = m_endpoint.put_events(group, stream, batch.events);
  if (put || put.error().code != Code::resource_not_found) return put;
  BERTH_TRY(made_or_there(m_endpoint.create_group(group)));
  BERTH_TRY(made_or_there(m_endpoint.create_stream(group, stream)));
  return m_endpoint.put_events(group, stream, batch.events);
}

void LogForwarder::failed(const std::string& what, const Error& error) { m_failure = what + " failed: " + error.message; }

}  // namespace berth::agent
