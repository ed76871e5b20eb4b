// `berth logs` (GET /v1/tasks/<id>/logs) for a container whose logConfiguration is awslogs: the
// events of its stream in the gateway's CloudWatch Logs store (the same ones `aws logs
// get-log-events` reads, kept as long as the group's retention and BERTH_LOGS_MAX_BYTES allow,
// after the shim's rotated file has let them go), then the lines of the shim's file the log
// ingester has not stored yet; and which containers' output is not kept on the gateway at all
// (none, syslog, journald). Thread-safe (the store is).
#pragma once

#include <optional>
#include <string>

#include "model/task.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Returns the lines of container `c` of `task` as LogSource::read gives them ([{"time","stream",
// "text"}]; store events have stream "stdout", as awslogs keeps no stream), `file_lines` being what
// the shim's file holds. Nothing when the container is not an awslogs one or there is no store.
// At most `max_store_bytes` of stored messages are read, the newest.
std::optional<Json> awslogs_container_lines(Context& ctx, const model::Task& task, const model::TaskContainer& c,
                                            const Json& file_lines, std::size_t max_store_bytes);

// Returns the log driver of container `name` of `task` when it keeps no output on this gateway
// ("none", "syslog", "journald"), else nothing.
std::optional<std::string> unkept_log_driver(Context& ctx, const model::Task& task, const std::string& name);

// "2026-12-03T16:34:15.123456789Z" for `ns` since the epoch: the shim's time format, which orders
// as text.
std::string shim_log_time(std::int64_t ns);

}  // namespace berth::svc
