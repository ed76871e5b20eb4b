#include "svc/remote_exec.hpp"

#include <unistd.h>

namespace berth::svc {

bool on_joined_instance(const Context& ctx, const model::Task& task) {
  return ctx.remote_agents && ctx.gateway && task.container_instance_id != ctx.gateway->instance_id();
}

Result<CommandResult> run_through_agent(Context& ctx, const model::Task& task, const std::string& runtime_id,
                                        const std::vector<std::string>& argv) {
  auto& requests = ctx.remote_agents->exec_requests();
  const auto id = requests.ask(task.container_instance_id, runtime_id, argv);
  if (!id) {
    return fail(Code::server, "At most " + std::to_string(RemoteExecRequests::k_max_open) +
                                  " commands in containers on joined gateways wait at once; retry when one has ended.");
  }
  ctx.remote_agents->tasks_changed();  // parked polls look again and list it
  auto answer = requests.wait(*id);
  if (!answer) {
    return fail(Code::server, "The agent of container instance " + task.container_instance_id +
                                  " did not answer the command within " +
                                  std::to_string(model::k_remote_exec_answer_wait.count()) +
                                  " s (it is not connected, or the command outlived its bound).");
  }
  if (answer->refusal) return std::unexpected(*answer->refusal);
  auto& outcome = *answer->outcome;
  return CommandResult{outcome.exit_code, std::move(outcome.output), outcome.output_truncated, outcome.timed_out};
}

Result<SessionHandoff> relay_through_agent(Context& ctx, const model::Task& task, const std::string& runtime_id,
                                           const model::ExecSessionRequest& request) {
  RelaySessions* sessions = ctx.remote_agents->relay_sessions();
  RelaySplicer* splicer = ctx.remote_agents->relay_splicer();
  if (!sessions || !splicer || !ctx.commands) return fail(Code::server, "This berth relays no sessions.");
  const std::string& instance = task.container_instance_id;
  const auto id = sessions->open(instance, RelayAsk{request.attach ? RelayAsk::Kind::attach : RelayAsk::Kind::exec,
                                                    runtime_id, request});
  if (!id) {
    return fail(Code::limit_exceeded, "At most " + std::to_string(ctx.remote_agents->settings().max_relay_sessions) +
                                          " sessions with containers on joined gateways are open at once; retry when one "
                                          "has ended.");
  }
  ctx.remote_agents->tasks_changed_on(instance);  // its parked poll is answered now, listing the session
  const auto deadline_s = std::chrono::duration_cast<std::chrono::seconds>(ctx.remote_agents->settings().relay_connect_deadline);
  auto no_agent = ctx.commands->refuse("berth: the agent of container instance " + instance +
                                       " did not connect for the session within " + std::to_string(deadline_s.count()) +
                                       " s (it is not connected, or cannot reach this gateway's API)\n");
  return [splicer, id = *id, no_agent = std::move(no_agent)](int socket, std::string early_input) {
    splicer->serve(id, socket, std::move(early_input), no_agent);
  };
}

Result<SessionHandoff> connect_relay_session(Context& ctx, const model::ConnectRelayRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.container_instance);
  RelaySessions* sessions = ctx.remote_agents ? ctx.remote_agents->relay_sessions() : nullptr;
  if (!id || !sessions || !sessions->expects(*id, request.session_id)) {
    return fail(Code::invalid_parameter, "No relayed session " + request.session_id + " waits for that container instance.");
  }
  ctx.remote_agents->heard_from(*id, ctx.clock.now_ms());
  return [sessions, instance = *id, session = request.session_id](int socket, std::string early_input) {
    // The agent speaks only once it has the 101: bytes before it break the protocol.
    if (!early_input.empty() || !sessions->connect(instance, session, socket)) ::close(socket);
  };
}

Result<model::Acknowledgment> submit_exec_result(Context& ctx, const model::SubmitExecResultRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.container_instance);
  if (!id || !ctx.remote_agents || !ctx.remote_agents->exec_requests().answer(*id, request.request_id, request)) {
    return fail(Code::invalid_parameter, "No open command request " + request.request_id + " of that container instance.");
  }
  ctx.remote_agents->heard_from(*id, ctx.clock.now_ms());
  return model::Acknowledgment{};
}

}  // namespace berth::svc
