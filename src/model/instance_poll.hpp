// The agent protocol's long-poll (BerthCluster.PollInstanceTasks): what a remote agent asks the
// server for (its instance's desired tasks, from a cursor, waiting up to a bound for a change)
// and the reply it acts on. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/remote_exec.hpp"
#include "model/relay_requests.hpp"
#include "model/remote_logs.hpp"
#include "model/remote_secrets.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"

namespace berth::model {

struct PollInstanceTasksRequest {
  std::optional<std::string> cluster;  // nothing = the default cluster
  std::string container_instance;      // id or ARN
  // The cursor of the reply the agent acts on now; the poll waits while it is still current.
  // Nothing (the agent's first poll) is answered at once.
  std::optional<std::string> cursor;
  std::optional<long long> wait_seconds;  // nothing = the server's bound; more is cut to it
  // The agent takes a reply that says only "unchanged" (PollInstanceTasksReply::unchanged);
  // without it (an agent before them) every reply is complete.
  bool accept_unchanged = false;
};

// The instance's desired state, complete: every task placed on it that is not STOPPED yet (those
// with desiredStatus STOPPED are to be stopped), and the task definitions they run. A task the
// agent runs that the reply does not list was stopped by the server (the instance was lost
// meanwhile, or it was replaced): the agent stops it and forgets it. Or, to a poll that accepts
// it, `unchanged`: the desired state is still the one of the poll's cursor and there is nothing
// else to tell (no secrets, logs or commands); the reply lists nothing and the agent keeps what
// it has (a poll at rest costs neither side the tasks' decoding and encoding).
struct PollInstanceTasksReply {
  std::string cluster;
  std::string instance_id;
  std::string cursor;
  bool unchanged = false;
  std::vector<Task> tasks;
  std::vector<TaskDefinition> definitions;
  // Logs the server waits for (model/remote_logs.hpp): a poll with any is answered at once.
  std::vector<LogRequest> log_requests;
  // Commands the server waits for (model/remote_exec.hpp): listed once each, answered at once.
  std::vector<ExecRequest> exec_requests;
  // Interactive sessions to connect back for (model/relay_requests.hpp): listed once each,
  // answered at once.
  std::vector<RelayRequest> relay_requests;
  // The resolved secrets of the listed tasks that have containers to start
  // (model/remote_secrets.hpp); never logged.
  std::vector<ServedSecret> secrets;
};

// Returns the cursor of `tasks`: a digest of each task's id and desiredStatus, so it changes
// exactly when the agent has something to do (observed-state reports do not change it).
std::string instance_tasks_cursor(const std::vector<Task>& tasks);

// The same cursor from the tasks' ids and desired statuses (model/task.hpp's TaskDesire).
std::string instance_tasks_cursor(const std::vector<TaskDesire>& desires);

const Shape& poll_instance_tasks_shape();
[[nodiscard]] Result<PollInstanceTasksRequest> decode_poll_instance_tasks(const Json& body);
// {"containerInstanceArn", "cursor", "tasks": [DescribeTasks' task, with its version],
// "taskDefinitions": [DescribeTaskDefinition's taskDefinition], "logRequests"?: [...],
// "execRequests"?: [...], "relayRequests"?: [...], "secrets"?: [...]}; unchanged:
// {"containerInstanceArn", "cursor", "unchanged": true}
Json encode_poll_instance_tasks(const PollInstanceTasksReply& reply, const ArnScope& arns);

}  // namespace berth::model
