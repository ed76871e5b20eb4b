#include "svc/instance_poll.hpp"

#include <chrono>
#include <set>

#include "svc/remote_secrets.hpp"

namespace berth::svc {

Result<model::PollInstanceTasksReply> read_instance_tasks(Context& ctx, const std::string& cluster,
                                                          const std::string& instance_id) {
  store::TaskQuery query;
  query.cluster = cluster;
  query.container_instance = instance_id;
  query.not_stopped = true;
  query.limit = k_max_polled_tasks;
  model::PollInstanceTasksReply reply;
  reply.cluster = cluster;
  reply.instance_id = instance_id;
  BERTH_ASSIGN(reply.tasks, ctx.store.list_tasks(query));
  std::set<std::pair<std::string, long long>> wanted;
  for (const auto& t : reply.tasks) wanted.insert({t.family, t.revision});
  for (const auto& [family, revision] : wanted) {
    BERTH_ASSIGN(auto definition, ctx.store.find_task_definition(family, revision));
    if (definition) reply.definitions.push_back(std::move(*definition));
  }
  reply.cursor = model::instance_tasks_cursor(reply.tasks);
  reply.secrets = secrets_to_serve(ctx, reply.tasks, reply.definitions);
  return reply;
}

Result<void> instance_heard_from(Context& ctx, const std::string& cluster, const std::string& instance_id) {
  if (instance_id == ctx.gateway->instance_id()) return {};
  if (ctx.remote_agents) ctx.remote_agents->heard_from(instance_id, ctx.clock.now_ms());
  BERTH_ASSIGN(const auto instance, ctx.store.find_container_instance(cluster, instance_id));
  if (!instance || model::agent_connected(*instance)) return {};  // the usual case: nothing written
  bool reconnected = false;
  BERTH_TRY(ctx.store.update_container_instance(cluster, instance_id,
                                                [&](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
                                                  reconnected = model::set_agent_connected(ci, true);
                                                  return {};
                                                },
                                                store::IfMissing::skip));
  if (reconnected) ctx.tasks_changed();
  return {};
}

Result<model::PollInstanceTasksReply> poll_instance_tasks(Context& ctx, const model::PollInstanceTasksRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.container_instance);
  std::optional<model::ContainerInstance> instance;
  if (id) {
    BERTH_ASSIGN(instance, ctx.store.find_container_instance(cluster, *id));
  }
  if (!instance) {
    return fail(Code::invalid_parameter, "The container instance '" + request.container_instance +
                                             "' is not registered in cluster " + cluster + ".");
  }
  BERTH_TRY(instance_heard_from(ctx, cluster, instance->id));
  RemoteAgents* agents = ctx.remote_agents;
  std::chrono::milliseconds wait{0};
  if (agents) {
    wait = agents->settings().max_poll_wait;
    if (request.wait_seconds) wait = std::min(wait, std::chrono::milliseconds(*request.wait_seconds * 1000));
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    // The count is read before the tasks: a change committed after the read moves it, so the
    // wait below cannot miss it.
    const std::uint64_t seen = agents ? agents->changes() : 0;
    BERTH_ASSIGN(auto reply, read_instance_tasks(ctx, cluster, instance->id));
    if (agents) reply.log_requests = agents->log_requests().asked_of(instance->id);
    if (agents) reply.exec_requests = agents->exec_requests().take_for(instance->id);
    // Logs and commands someone waits for are asked at once.
    if (!agents || !request.cursor || *request.cursor != reply.cursor || !reply.log_requests.empty() ||
        !reply.exec_requests.empty()) {
      return reply;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) return reply;
    const auto outcome = agents->wait_for_change(seen, left);
    if (outcome != RemoteAgents::Wait::changed) {
      // Waited out (still a heartbeat: the agent was there all along), full, or stopping.
      if (outcome == RemoteAgents::Wait::timed_out) agents->heard_from(instance->id, ctx.clock.now_ms());
      return reply;
    }
    // Something changed somewhere: look again; the wait goes on if not for this instance.
  }
}

Result<model::Acknowledgment> submit_task_logs(Context& ctx, const model::SubmitTaskLogsRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.container_instance);
  if (!id || !ctx.remote_agents ||
      !ctx.remote_agents->log_requests().answer(*id, request.request_id, request.logs)) {
    return fail(Code::invalid_parameter, "No open log request " + request.request_id + " of that container instance.");
  }
  ctx.remote_agents->heard_from(*id, ctx.clock.now_ms());
  return model::Acknowledgment{};
}

}  // namespace berth::svc
