#include "svc/agent_actions.hpp"

#include "model/access_key.hpp"
#include "store/update_with_retry.hpp"
#include "svc/instance_poll.hpp"

namespace berth::svc {
namespace {

Result<void> task_not_found() { return fail(Code::invalid_parameter, "The referenced task was not found."); }

// One compare-and-set attempt of record_on_task: true when the report changed the task and was
// written, false when it changed nothing, nothing when a concurrent writer (StopTask, the
// schedulers) changed the task first. Sets `instance_id` to the task's instance.
template <class Apply>
Result<std::optional<bool>> try_recording(Context& ctx, const std::string& cluster, const std::string& id,
                                          Apply& apply, std::string& instance_id) {
  BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, id));
  if (!task) {
    BERTH_TRY(task_not_found());
  }
  // Its agent is berth itself, which would not see a stop reported here and would leave its
  // containers running.
  if (const std::string own = ctx.gateway->instance_id(); !own.empty() && task->container_instance_id == own) {
    return fail(Code::invalid_parameter, "Task " + task->id +
                                             " runs on this gateway's own instance, whose agent is berth itself: "
                                             "only remote agents report its state changes.");
  }
  // A joined instance's key reports on its own instance's tasks only; another's are not found,
  // as if they did not exist.
  if (const auto caller = model::instance_of_caller(ctx.caller_arn); caller && task->container_instance_id != *caller) {
    BERTH_TRY(task_not_found());
  }
  instance_id = task->container_instance_id;
  const long long version = task->version;
  BERTH_ASSIGN(bool changed, apply(*task, ctx.clock.now_ms()));
  if (!changed) return std::optional<bool>{false};
  ++task->version;
  BERTH_ASSIGN(bool saved, ctx.store.replace_task(*task, version));
  if (!saved) return std::optional<bool>{};
  return std::optional<bool>{true};
}

// Applies `apply` (Task&, EpochMs) -> Result<bool changed> to the task `text` names in the cluster.
template <class Apply>
Result<model::Acknowledgment> record_on_task(Context& ctx, const std::optional<std::string>& cluster_text,
                                             const std::string& text, Apply&& apply) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, cluster_text));
  // A report from a joined instance is its heartbeat too, whatever it says.
  if (const auto caller = model::instance_of_caller(ctx.caller_arn)) BERTH_TRY(instance_heard_from(ctx, cluster, *caller));
  const auto id = resource_id_of(ctx, cluster, "task", text);
  if (!id) {
    BERTH_TRY(task_not_found());
  }
  std::string instance_id;
  BERTH_ASSIGN(bool changed, store::update_with_retry(10, Code::server, "The task kept changing; report it again.", [&] {
    return try_recording(ctx, cluster, *id, apply, instance_id);
  }));
  // Whoever sends it (an ECS agent signing with an operator's key too), a report about a task is
  // news from its instance's agent.
  if (!model::instance_of_caller(ctx.caller_arn)) BERTH_TRY(instance_heard_from(ctx, cluster, instance_id));
  // A task reported stopped may leave a service short: its scheduler replaces it now (the
  // replacement is announced to the instance it is placed on). The reporting instance's parked
  // polls are not woken: what its agent reported is its own news, and a desired state that moved
  // with the report (a task now listed no more) reaches it with its next poll, within the poll's
  // wait; waking them would make every report re-read all the instance's tasks.
  if (changed) ctx.tasks_changed_on({});
  return model::Acknowledgment{};
}

}  // namespace

Result<model::PollEndpointReply> discover_poll_endpoint(Context& ctx, const model::DiscoverPollEndpointRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  if (request.container_instance) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", *request.container_instance);
    std::optional<model::ContainerInstance> instance;
    if (id) {
      BERTH_ASSIGN(instance, ctx.store.find_container_instance(cluster, *id));
    }
    if (!instance) return fail(Code::invalid_parameter, "The referenced container instance was not found.");
  }
  std::string endpoint = ctx.gateway->api_url();
  if (endpoint.empty()) {
    return fail(Code::server, "berth serves its API on a unix socket only (BERTH_LISTEN is empty): no agent can poll it.");
  }
  return model::PollEndpointReply{std::move(endpoint)};
}

Result<model::Acknowledgment> submit_task_state_change(Context& ctx, const model::SubmitTaskStateChangeRequest& request) {
  return record_on_task(ctx, request.cluster, request.task, [&](model::Task& task, EpochMs now) {
    return model::apply_task_state_change(task, request.change, now);
  });
}

Result<model::Acknowledgment> submit_container_state_change(Context& ctx,
                                                            const model::SubmitContainerStateChangeRequest& request) {
  return record_on_task(ctx, request.cluster, request.task, [&](model::Task& task, EpochMs now) {
    return model::apply_container_state_change(task, request.change, now);
  });
}

Result<model::Acknowledgment> submit_attachment_state_changes(Context& ctx,
                                                              const model::SubmitAttachmentStateChangesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  return fail(Code::invalid_parameter, "Attachment " + request.attachments.front().attachment_arn +
                                           " was not found in cluster " + cluster +
                                           ": tasks and container instances on a gateway have no elastic network "
                                           "interfaces or other attachments.");
}

}  // namespace berth::svc
