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
[[nodiscard]] Result<Json> task_logs(Context& ctx, const std::string& cluster, const std::string& task,
                                     const std::string& container, std::size_t since, std::size_t max_text_bytes);

}  // namespace berth::svc
