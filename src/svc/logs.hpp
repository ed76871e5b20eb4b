// Reading a task's container logs through the API. Thread-safe.
#pragma once

#include <string>

#include "svc/context.hpp"

namespace berth::svc {

// Returns {"events": [{"time","stream","text","container"[,"attrs"]}...] from index `since`
// (attrs: a json-file container's labels/env/tag picks, on this gateway's tasks), "next": the
// index to continue from, "more": whether events past `next` exist already, "taskStatus",
// "containers": the task's container names, "unkeptLogs": {container: driver} for those whose
// log driver keeps no output on the gateway (none, syslog, journald), when there are any}. `container` "" = every container of the task.
// The events' text adds up to at most `max_text_bytes` (at least one event is always given), so
// a reply stays bounded however long the logs are.
// A task on a joined gateway is read from `cursor` instead (a reply's "cursor"; "" = from the
// oldest line): its reply's events are those after it, "cursor" where the next read goes on, and
// "next" is `since` plus the events given. Unlike an index, a cursor stays true across the log's
// rotation and lines added to any container, so following it neither repeats nor skips a line.
// InvalidParameterException for a cursor that is not a reply's.
[[nodiscard]] Result<Json> task_logs(Context& ctx, const std::string& cluster, const std::string& task,
                                     const std::string& container, std::size_t since, std::size_t max_text_bytes,
                                     const std::string& cursor = "");

}  // namespace berth::svc
