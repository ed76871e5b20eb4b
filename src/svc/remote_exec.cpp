#include "svc/remote_exec.hpp"

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
