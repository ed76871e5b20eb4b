#include "svc/execute_command.hpp"

#include "common/ids.hpp"
#include "svc/remote_exec.hpp"

namespace berth::svc {
namespace {

enum class LaunchFlag { required, not_required };

struct ExecTarget {
  std::string cluster;
  model::Task task;
  std::string container_name;
  std::string container_id;
};

Result<ExecTarget> exec_target(Context& ctx, const std::optional<std::string>& cluster_text, const std::string& task_text,
                               const std::optional<std::string>& container, LaunchFlag flag) {
  constexpr std::string_view k_no_agent = "This berth runs no agent, so no containers to run commands in.";
  if (!ctx.commands && !ctx.remote_agents) return fail(Code::server, std::string(k_no_agent));
  ExecTarget target;
  BERTH_ASSIGN(target.cluster, resolve_active_cluster(ctx, cluster_text));
  const auto id = resource_id_of(ctx, target.cluster, "task", task_text);
  if (!id) return fail(Code::invalid_parameter, "'" + task_text + "' is not a task ARN of cluster " + target.cluster + ".");
  BERTH_ASSIGN(auto task, ctx.store.find_task(target.cluster, *id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  // A joined gateway's agent runs the commands of its tasks.
  if (!ctx.commands && !on_joined_instance(ctx, *task)) {
    return fail(Code::server, std::string(k_no_agent));
  }
  if (task->last_status != model::TaskStatus::running) {
    return fail(Code::invalid_parameter, "The task is " + std::string(model::to_wire(task->last_status)) +
                                             "; commands run only in a RUNNING task.");
  }
  if (flag == LaunchFlag::required && !task->enable_execute_command) {
    return fail(Code::invalid_parameter,
                "The execute command failed because execute command was not enabled when the task was run or the "
                "execute command agent isn't running. Wait and try again or run a new task with execute command "
                "enabled and try again.");
  }
  BERTH_ASSIGN(const auto* chosen, model::exec_container_of(*task, container));
  target.container_name = chosen->name;
  target.container_id = chosen->id;
  target.task = std::move(*task);
  return target;
}

// The runc id the agent gives a task's container.
std::string runtime_id_of(const ExecTarget& target) { return model::runtime_id_of(target.task.id, target.container_name); }

}  // namespace

Result<model::ExecuteCommandReply> execute_command(Context& ctx, const model::ExecuteCommandRequest& request) {
  BERTH_ASSIGN(auto target, exec_target(ctx, request.cluster, request.task, request.container, LaunchFlag::required));
  const std::string runtime_id = runtime_id_of(target);
  BERTH_ASSIGN(auto result, on_joined_instance(ctx, target.task)
                                ? run_through_agent(ctx, target.task, runtime_id, request.argv)
                                : ctx.commands->run(runtime_id, request.argv));
  model::ExecuteCommandReply reply;
  reply.cluster = target.cluster;
  reply.task_id = target.task.id;
  reply.container_name = target.container_name;
  reply.container_id = target.container_id;
  reply.session_id = "ecs-execute-command-" + random_hex(16);
  reply.exit_code = result.exit_code;
  reply.output = std::move(result.output);
  reply.output_truncated = result.output_truncated;
  reply.timed_out = result.timed_out;
  return reply;
}

Result<SessionHandoff> open_exec_session(Context& ctx, const model::ExecSessionRequest& request) {
  BERTH_ASSIGN(auto target, exec_target(ctx, request.cluster, request.task, request.container, LaunchFlag::not_required));
  if (on_joined_instance(ctx, target.task)) {
    if (!ctx.commands) return fail(Code::server, "This berth serves no exec sessions.");
    if (request.tty || request.interactive || request.attach) {
      return relay_through_agent(ctx, target.task, runtime_id_of(target), request);
    }
    BERTH_ASSIGN(auto result, run_through_agent(ctx, target.task, runtime_id_of(target), request.argv));
    return ctx.commands->replay(std::move(result));
  }
  if (request.attach) {
    return fail(Code::invalid_parameter, "The task runs on this gateway: berth attach there uses its container's socket.");
  }
  return ctx.commands->open_session(runtime_id_of(target), request);
}

}  // namespace berth::svc
