// Commands in containers of tasks on joined gateways, run by their agents: what ExecuteCommand and
// `berth exec` (without -i and -t) do for such a task, and the agent's answer
// (BerthCluster.SubmitExecResult). Thread-safe; a caller waits on its thread for the answer.
#pragma once

#include <string>
#include <vector>

#include "model/agent_state_changes.hpp"
#include "model/relay_requests.hpp"
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

// A session (`berth exec -i/-t`, `berth attach`: `request`) in container `runtime_id` of `task`
// (on a joined gateway), relayed: opens it in RemoteAgents' RelaySessions, wakes the instance's
// parked polls (its next reply lists it), and returns what serves the user's connection (the
// RelaySplicer: waits for the agent's connection back, then splices). LimitExceededException
// when the most sessions are relayed already; ServerException when this berth relays none. An
// agent that does not come in time is said on the session (stderr, exit code 255).
[[nodiscard]] Result<SessionHandoff> relay_through_agent(Context& ctx, const model::Task& task, const std::string& runtime_id,
                                                         const model::ExecSessionRequest& request);

// An agent's connection back for a relayed session its poll listed (POST model::k_relay_path):
// returns what takes the connection once its 101 is written (a socket refused then, the deadline
// having passed meanwhile, is closed). InvalidParameterException for a session that is not open
// for that instance (unknown, not listed yet, connected already, past its deadline).
[[nodiscard]] Result<SessionHandoff> connect_relay_session(Context& ctx, const model::ConnectRelayRequest& request);

// BerthCluster.SubmitExecResult: a joined instance's agent answers a command its poll listed.
// InvalidParameterException for a request that is not open for that instance.
[[nodiscard]] Result<model::Acknowledgment> submit_exec_result(Context& ctx, const model::SubmitExecResultRequest& request);

}  // namespace berth::svc
