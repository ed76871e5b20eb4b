// Container logs of a task on a joined gateway, fetched through its agent: the serving gateway
// lists what it asks for in the agent's next poll reply (logRequests), and the agent answers with
// BerthCluster.SubmitTaskLogs (its log lines by runtime id). The typed requests and their codecs.
// Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/log_cursor.hpp"
#include "model/schema.hpp"

namespace berth::model {

// One ask of the server: the log lines of these containers (runtime ids) of the instance's tasks.
// With `cursors` (`berth logs` and its --follow), the lines after each container's cursor (a
// container without one: from its oldest line), within `max_bytes` in all, answered with the
// cursors after them; without (a server that knows no cursors), the newest lines.
struct LogRequest {
  std::string id;
  std::vector<std::string> runtime_ids;
  std::optional<std::map<std::string, LogCursor>> cursors;
  std::size_t max_bytes = 0;  // with cursors: at most k_max_submitted_log_bytes
};

// What an answer may carry: the agent keeps the newest lines within this many bytes of text.
inline constexpr std::size_t k_max_submitted_log_bytes = 512 * 1024;

struct SubmitTaskLogsRequest {
  std::optional<std::string> cluster;
  std::string container_instance;  // id or ARN
  std::string request_id;
  // Runtime id → [{"time", "stream", "text"}], as the runtime's log reader gives them.
  std::map<std::string, Json> logs;
  // Asked with cursors: each container's cursor after its lines, and the containers whose
  // complete lines go on past it (the bound stopped the read).
  std::map<std::string, LogCursor> cursors;
  std::set<std::string> more;
};

const Shape& submit_task_logs_shape();
// InvalidParameterException for a log entry that is not a list of {time, stream, text} objects,
// or a cursor that is not FILE.OFFSET.
[[nodiscard]] Result<SubmitTaskLogsRequest> decode_submit_task_logs(const Json& body);
Json encode_submit_task_logs(const SubmitTaskLogsRequest& request);

// The poll reply's "logRequests" member and back (ServerException for a malformed one).
Json log_requests_to_json(const std::vector<LogRequest>& requests);
[[nodiscard]] Result<std::vector<LogRequest>> log_requests_from_json(const Json& json);

}  // namespace berth::model
