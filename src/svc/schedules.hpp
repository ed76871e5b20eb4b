// Scheduled tasks through an EventBridge Scheduler-shaped API: Create/Get/Update/Delete/
// ListSchedule(s), each taking the shape-checked request with its path and query members
// merged in. The runner (svc/schedule_runner) starts the runs. Thread-safe.
#pragma once

#include <optional>

#include "model/schedule.hpp"
#include "svc/context.hpp"

namespace berth::svc {

[[nodiscard]] Result<Json> create_schedule(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> get_schedule(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> update_schedule(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> delete_schedule(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> list_schedules(Context& ctx, const Json& request);

// The schedule's next run strictly after `after_seconds`, within its StartDate and EndDate, in
// its time zone; nothing when it is disabled or will not run again.
[[nodiscard]] Result<std::optional<std::int64_t>> next_run_of(Context& ctx, const model::Schedule& schedule,
                                                              std::int64_t after_seconds);

}  // namespace berth::svc
