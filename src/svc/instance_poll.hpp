// The server half of the agent protocol's long-poll (BerthCluster.PollInstanceTasks): a remote
// agent asks for its instance's desired tasks and, when it already acts on the current ones (its
// cursor), waits up to a bound for a change. Each poll is the instance's heartbeat; a lost
// instance that polls again is connected again. A poll also carries the log requests open for the
// instance (and is answered at once while any is), which its agent answers with SubmitTaskLogs,
// the commands to run (svc/remote_exec.hpp) and the secrets of its tasks about to start
// (svc/remote_secrets.hpp). A poll that waits is parked (svc/parked_polls.hpp), holding no
// thread, and answered by the poll answerer (svc/poll_answerer.hpp). Thread-safe.
#pragma once

#include "model/agent_state_changes.hpp"
#include "model/instance_poll.hpp"
#include "model/remote_logs.hpp"
#include "svc/context.hpp"
#include "svc/parked_polls.hpp"

namespace berth::svc {

// Tasks one instance can hold that a poll lists (an instance runs far fewer).
inline constexpr std::size_t k_max_polled_tasks = 1000;

// Answers the poll through `answer` (called once) with the instance's desired tasks and their
// definitions with their cursor: before returning when the request's cursor is missing or stale
// (or logs are asked of the agent, or no slot is free to park it), else later, on the answerer's
// thread, once they change or the wait (the request's waitSeconds, at most the server's bound)
// ends, whichever is first. ClusterNotFoundException; InvalidParameterException for an instance
// the cluster does not have (deregistered: the agent joins again).
void start_poll(Context& ctx, const model::PollInstanceTasksRequest& request, PollReplyHandler answer);

// The answerer's step for one parked poll that is due: answers it, or parks it again when a change
// woke it but its instance's tasks are still those its agent acts on.
void answer_parked_poll(Context& ctx, ParkedPolls::Due due);

// start_poll, waiting for the answer on this thread. REQUIRES: a PollAnswerer runs for
// ctx.remote_agents (else a parked poll is never answered).
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
// The same for `instance` as just read.
[[nodiscard]] Result<void> instance_heard_from(Context& ctx, const std::string& cluster,
                                               const model::ContainerInstance& instance);

// BerthCluster.SubmitTaskLogs: a joined instance's agent answers a log request its poll listed.
// InvalidParameterException for a request that is not open for that instance (answered already,
// waited out, or another's).
[[nodiscard]] Result<model::Acknowledgment> submit_task_logs(Context& ctx, const model::SubmitTaskLogsRequest& request);

}  // namespace berth::svc
