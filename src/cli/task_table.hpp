// The table `berth ps` prints, like `docker ps`: one row per task with its short id,
// family:revision, status, health, published ports (none for a stopped task: nothing listens
// there), when it started and its group, newest first; and the pieces of a task other verbs
// show (`run --wait`). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cli/table.hpp"
#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Returns the table of `tasks` (DescribeTasks' entries) at time `now`.
std::string format_task_table(const std::vector<model::Json>& tasks, EpochMs now, Colouring colouring);

// "web:3" from a task definition ARN (or the text itself when it is no ARN).
std::string family_revision(const std::string& task_definition_arn);

// The task's published ports: "0.0.0.0:49153->8080/tcp, ..." from its containers' networkBindings;
// "" when none.
std::string task_ports(const model::Json& task);

// Why a stopped task stopped: its stoppedReason, and each container's exit code or reason
// ("main exited 1", "main: CannotPullContainerError: ..."); "" for a task that has not stopped.
std::string stop_summary(const model::Json& task);

}  // namespace berth::cli
