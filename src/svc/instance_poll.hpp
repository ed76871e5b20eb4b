// The server half of the agent protocol's long-poll (BerthCluster.PollInstanceTasks): a remote
// agent asks for its instance's desired tasks and, when it already acts on the current ones (its
// cursor), waits up to a bound for a change. Each poll is the instance's heartbeat; a lost
// instance that polls again is connected again. A poll also carries the log requests open for the
// instance (and is answered at once while any is), which its agent answers with SubmitTaskLogs,
// the commands to run (svc/remote_exec.hpp) and the secrets of its tasks about to start
// (svc/remote_secrets.hpp).
// Thread-safe; a waiting poll blocks its thread.
#pragma once

#include "model/agent_state_changes.hpp"
#include "model/instance_poll.hpp"
#include "model/remote_logs.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Tasks one instance can hold that a poll lists (an instance runs far fewer).
inline constexpr std::size_t k_max_polled_tasks = 1000;

// Returns the instance's desired tasks and their definitions with their cursor, at once when the
// request's cursor is missing or stale, else once they change or the wait (the request's
// waitSeconds, at most the server's bound) ends, whichever is first. ClusterNotFoundException;
// InvalidParameterException for an instance the cluster does not have (deregistered: the agent
// joins again).
[[nodiscard]] Result<model::PollInstanceTasksReply> poll_instance_tasks(Context& ctx,
                                                                        const model::PollInstanceTasksRequest& request);

// The instance's desired tasks as a poll lists them, with the secrets they need, read now (no
// wait, no heartbeat).
[[nodiscard]] Result<model::PollInstanceTasksReply> read_instance_tasks(Context& ctx, const std::string& cluster,
                                                                        const std::string& instance_id);

// Records that the instance's agent was heard from now and, if it was lost, marks it connected
// again (and wakes the schedulers, which may place on it again). The gateway's own instance is
// left alone.
[[nodiscard]] Result<void> instance_heard_from(Context& ctx, const std::string& cluster, const std::string& instance_id);

// BerthCluster.SubmitTaskLogs: a joined instance's agent answers a log request its poll listed.
// InvalidParameterException for a request that is not open for that instance (answered already,
// waited out, or another's).
[[nodiscard]] Result<model::Acknowledgment> submit_task_logs(Context& ctx, const model::SubmitTaskLogsRequest& request);

}  // namespace berth::svc
