// Commands in containers of tasks on joined gateways, run by their agents: what ExecuteCommand and
// `berth exec` (without -i and -t) do for such a task, and the agent's answer
// (BerthCluster.SubmitExecResult). Thread-safe; a caller waits on its thread for the answer.
#pragma once

#include <string>
#include <vector>

#include "model/agent_state_changes.hpp"
#include "model/remote_exec.hpp"
#include "model/task.hpp"
#include "svc/context.hpp"
#include "svc/execute_command.hpp"

namespace berth::svc {

// Whether `task` is placed on a joined gateway (an instance other than this gateway's own), whose
// agent answers for its containers.
bool on_joined_instance(const Context& ctx, const model::Task& task);

// Runs `argv` in container `runtime_id` of `task` (on a joined gateway) through the instance's
// agent, which runs it with its own bounds (30 s, 64 KiB of output): asked through its next poll
// (parked polls look again at once), waited for. ServerException when k_max_open commands wait
// already, or when the agent did not take the ask within model::k_remote_exec_pickup_wait or
// answer within model::k_remote_exec_answer_wait ("did not answer"); the agent's own refusal
// (InvalidParameterException: not running there; LimitExceededException) as it gave it.
[[nodiscard]] Result<CommandResult> run_through_agent(Context& ctx, const model::Task& task, const std::string& runtime_id,
                                                      const std::vector<std::string>& argv);

// BerthCluster.SubmitExecResult: a joined instance's agent answers a command its poll listed.
// InvalidParameterException for a request that is not open for that instance.
[[nodiscard]] Result<model::Acknowledgment> submit_exec_result(Context& ctx, const model::SubmitExecResultRequest& request);

}  // namespace berth::svc
