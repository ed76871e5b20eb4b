// Reading a task's container logs through the API. Thread-safe.
#pragma once

#include <string>

#include "svc/context.hpp"

namespace berth::svc {

// Returns {"events": [{"time","stream","text","container"}...] from index `since`, "next": the
// index to continue from, "taskStatus", "containers": the task's container names}. `container` "" = every container of the task.
[[nodiscard]] Result<Json> task_logs(Context& ctx, const std::string& cluster, const std::string& task,
                                     const std::string& container, std::size_t since);

}  // namespace berth::svc
