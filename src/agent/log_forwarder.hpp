// Store-and-forward of the gateway's CloudWatch Logs (BERTH_LOGS_FORWARD_URL): a thread of its
// own reads each stream of the local log store (store/log_store.hpp) from its cursor and ships
// its events, in stored order, to a central CloudWatch-Logs-compatible endpoint with
// PutLogEvents (agent/logs_endpoint.hpp), one batch per stream per pass, making the group and
// stream there first when the endpoint says they are missing. It reads the store as the API does
// and is not in the write path: containers and the log ingester never wait for it, however long
// the endpoint is away.
//
// Resuming: a stream's cursor (the store's position after its last acknowledged event) is moved
// only after the endpoint acknowledged a batch, and the cursors are written to disk at the end of
// a pass that moved one (log_forward_cursors.hpp). Only events already in the segment files are
// sent (ReadReach::written), whose positions survive a crash of berth. So after a SIGKILL or a
// power cut at most the last batch of each stream may have been acknowledged without its cursor
// being written; before sending a stream's first batch after a start, or after a call whose
// outcome is unknown (a timeout, a 5xx), the forwarder asks the endpoint for the stream's last
// events (GetLogEvents) and skips what it already holds (already_sent). A cursor at which no
// event of its stream ends (a power cut shortened the store's newest segment) is moved back to
// the end of the last event before it, the tail check then skipping what the endpoint holds of
// the following batch. Events the store
// deleted (retention, BERTH_LOGS_MAX_BYTES) before they were sent are skipped and counted in the
// log. A failed call (endpoint down, 5xx, throttling, a refused key) ends the pass and delays
// the next by a bounded exponential backoff; a batch refused for its data
// (InvalidParameterException) holds back its stream alone for the backoff's bound.
//
// Memory: one page of one stream (≤ 10,000 events, ≤ 1 MiB of messages), its batch and the
// endpoint's tail at a time, plus a cursor per stream. start()/stop() from one thread; pass()
// runs on the forwarder's thread (or a test's, with the thread not started).
#pragma once

#include <map>
#include <string>

#include "agent/log_forward_batch.hpp"
#include "agent/log_forward_cursors.hpp"
#include "agent/logs_endpoint.hpp"
#include "common/clock.hpp"
#include "common/periodic_worker.hpp"
#include "store/log_store.hpp"

namespace berth::agent {

struct LogForwarderOptions {
  std::string cursor_path;  // <data-dir>/cloudwatch-logs-forward.json
  std::string endpoint;     // the endpoint's URL: named in the cursor file and the log
  int tick_ms = 1000;       // how often the store is looked at for new events
  EpochMs backoff_first_ms = 1000;
  EpochMs backoff_max_ms = 60'000;
};

class LogForwarder {
 public:
  LogForwarder(LogForwarderOptions options, store::LogStore& logs, LogsEndpoint& endpoint, const Clock& clock);
  ~LogForwarder();
  LogForwarder(const LogForwarder&) = delete;
  LogForwarder& operator=(const LogForwarder&) = delete;

  // Starts the thread: a pass every tick, at once again while streams have more to send.
  void start();
  // Ends the pass under way and joins. Idempotent.
  void stop();

  // One pass over every stream (nothing before retry_at()); returns whether a stream has more to
  // send at once. What fails is logged, never thrown.
  bool pass();
  // When the next pass may call the endpoint (0 = now): set by a failure's backoff.
  EpochMs retry_at() const { return m_retry_at; }

 private:
  enum class Step { sent, idle, failed };
  struct StreamState {
    bool checked = false;                // the endpoint's tail was compared since the start
    bool cursor_checked = false;         // the cursor was found at an event's end since the start
    std::optional<store::LogPosition> idle_at;  // the group's written end when nothing was left
    EpochMs held_until = 0;  // the endpoint refused the stream's batch (InvalidParameterException)
  };

  Step forward(const std::string& group, const std::string& stream, const store::LogGroupExtent& extent);
  // Moves `cursor` past what the endpoint already holds of `batch`; false if it could not tell.
  bool skip_sent(const std::string& group, const std::string& stream, ForwardCursor& cursor, const ForwardBatch& batch);
  // The stream's last written event stored before `position`, if any.
  std::optional<store::StoredLogEvent> last_before(const std::string& group, const std::string& stream,
                                                   store::LogPosition position);
  // Sends `batch`, making the group and stream first if the endpoint has none.
  Result<PutOutcome> put(const std::string& group, const std::string& stream, const ForwardBatch& batch);
  void failed(const std::string& what, const Error& error);

  const LogForwarderOptions m_options;
  store::LogStore& m_logs;
  LogsEndpoint& m_endpoint;
  const Clock& m_clock;
  ForwardCursors m_cursors;                                      // the thread's
  std::map<ForwardCursors::Key, StreamState> m_streams;          // the thread's
  Backoff m_backoff;
  EpochMs m_retry_at = 0;
  bool m_failing = false;  // the last pass failed: a success is logged as the end of the outage
  std::string m_failure;   // what failed in this pass
  PeriodicWorker m_worker;
};

}  // namespace berth::agent
