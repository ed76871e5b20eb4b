// The tables of `berth instances` (container instances: status, agent, tasks, CPU and memory
// reserved of registered, architecture) and `berth schedules` (state, expression, next and last
// run). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cli/table.hpp"
#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Returns the table of `instances` (DescribeContainerInstances' entries) at time `now`.
std::string format_instance_table(const std::vector<model::Json>& instances, EpochMs now, Colouring colouring);

// Returns the table of `schedules` (GetSchedule's replies, with berth's NextInvocation and
// LastRun) at time `now`.
std::string format_schedule_table(const std::vector<model::Json>& schedules, EpochMs now, Colouring colouring);

// "reserved/registered" of the resource `name` ("CPU", "MEMORY") of a container instance:
// registered minus remaining, of registered; "-" when the instance does not report it.
std::string reserved_of(const model::Json& instance, const char* name);

}  // namespace berth::cli
