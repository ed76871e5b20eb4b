#include "svc/instance_poll.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <set>

#include "common/log.hpp"
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

namespace {

// The reply a poll of `instance_id` gets now: its desired tasks and what else waits for its agent.
Result<model::PollInstanceTasksReply> current_reply(Context& ctx, const std::string& cluster,
                                                    const std::string& instance_id) {
  BERTH_ASSIGN(auto reply, read_instance_tasks(ctx, cluster, instance_id));
  if (ctx.remote_agents) reply.log_requests = ctx.remote_agents->log_requests().asked_of(instance_id);
  // Taken: a reply that lists them is sent (news_for), so none is lost to a parked poll.
  if (ctx.remote_agents) reply.exec_requests = ctx.remote_agents->exec_requests().take_for(instance_id);
  return reply;
}

// Whether `reply` answers a poll whose agent acts on `cursor` now, not only at its deadline.
bool news_for(const model::PollInstanceTasksReply& reply, const std::optional<std::string>& cursor) {
  // Logs and commands someone waits for are asked at once.
  return !cursor || *cursor != reply.cursor || !reply.log_requests.empty() || !reply.exec_requests.empty();
}

// Logs once per this many polls answered at once for want of a parking place.
constexpr std::uint64_t k_full_log_every = 1000;

}  // namespace

void start_poll(Context& ctx, const model::PollInstanceTasksRequest& request, PollReplyHandler answer) {
  const auto begun = [&]() -> Result<std::optional<model::PollInstanceTasksReply>> {
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
    BERTH_ASSIGN(auto reply, current_reply(ctx, cluster, instance->id));
    if (!agents || news_for(reply, request.cursor)) return reply;
    auto wait = agents->settings().max_poll_wait;
    if (request.wait_seconds) wait = std::min(wait, std::chrono::milliseconds(*request.wait_seconds * 1000));
    if (wait <= std::chrono::milliseconds(0)) return reply;
    // Parked, the poll keeps nothing of this reply: the answerer reads the state again when it is
    // due (memory stays small with a thousand agents parked).
    ParkedPoll parked{cluster, instance->id, reply.cursor, ctx.clock.now_ms() + wait.count(), answer};
    switch (agents->parked().park(std::move(parked))) {
      case ParkedPolls::Park::parked:
        return std::optional<model::PollInstanceTasksReply>();
      case ParkedPolls::Park::full:
        // Answered now with the current state: the agent, seeing the same cursor at once, pauses
        // before it asks again; the operator learns why and which setting raises the bound.
        if (agents->count_full() % k_full_log_every == 0) {
          log_warn("PollInstanceTasks: " + std::to_string(agents->parked().max()) +
                   " polls are parked already (BERTH_MAX_POLL_WAITERS); polls beyond are answered at once");
        }
        return reply;
      case ParkedPolls::Park::closed:
        return reply;  // the server stops
    }
    return reply;
  }();
  if (!begun) return answer(std::unexpected(begun.error()));
  if (*begun) answer(std::move(**begun));
}

void answer_parked_poll(Context& ctx, ParkedPolls::Due due) {
  ParkedPoll& poll = due.poll;
  auto reply = current_reply(ctx, poll.cluster, poll.instance_id);
  if (!reply) return poll.answer(std::unexpected(reply.error()));
  RemoteAgents* agents = ctx.remote_agents;
  if (!due.expired && !news_for(*reply, poll.cursor)) {
    // Woken by a change elsewhere: it waits on, until the same deadline.
    auto answer = poll.answer;
    if (agents->parked().park(std::move(poll)) == ParkedPolls::Park::parked) return;
    return answer(std::move(*reply));
  }
  // Waited out, it is still a heartbeat: the agent was there all along.
  if (due.expired) agents->heard_from(poll.instance_id, ctx.clock.now_ms());
  poll.answer(std::move(*reply));
}

Result<model::PollInstanceTasksReply> poll_instance_tasks(Context& ctx, const model::PollInstanceTasksRequest& request) {
  auto answered = std::make_shared<std::promise<Result<model::PollInstanceTasksReply>>>();
  auto future = answered->get_future();
  start_poll(ctx, request, [answered](Result<model::PollInstanceTasksReply> reply) { answered->set_value(std::move(reply)); });
  return future.get();
}

Result<model::Acknowledgment> submit_task_logs(Context& ctx, const model::SubmitTaskLogsRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.container_instance);
  if (!id || !ctx.remote_agents ||
      !ctx.remote_agents->log_requests().answer(*id, request.request_id, request)) {
    return fail(Code::invalid_parameter, "No open log request " + request.request_id + " of that container instance.");
  }
  ctx.remote_agents->heard_from(*id, ctx.clock.now_ms());
  return model::Acknowledgment{};
}

}  // namespace berth::svc
