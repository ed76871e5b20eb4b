// EventBridge Scheduler's schedules as the operator verbs read them: REST GETs over the daemon's
// unix socket or --endpoint (berth schedules, berth describe). Main thread only.
#pragma once

#include <string>
#include <vector>

#include "cli/api_connection.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Every schedule's summary (ListSchedules: name, group, state, target; not its runs), of `group`
// alone when it is not empty, following NextToken through at most 100 pages of 100.
[[nodiscard]] Result<std::vector<model::Json>> schedule_summaries(const ApiConnection& connection,
                                                                  const std::string& group = "");

// One schedule as GetSchedule describes it, with berth's NextInvocation and LastRun.
[[nodiscard]] Result<model::Json> get_schedule(const ApiConnection& connection, const std::string& group,
                                               const std::string& name);

}  // namespace berth::cli
