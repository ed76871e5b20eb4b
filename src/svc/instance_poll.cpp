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
  BERTH_ASSIGN(const auto instance, ctx.store.find_container_instance(cluster, instance_id));
  if (!instance) {
    if (ctx.remote_agents) ctx.remote_agents->heard_from(instance_id, ctx.clock.now_ms());
    return {};
  }
  return instance_heard_from(ctx, cluster, *instance);
}

Result<void> instance_heard_from(Context& ctx, const std::string& cluster, const model::ContainerInstance& instance) {
  if (instance.id == ctx.gateway->instance_id()) return {};
  if (ctx.remote_agents) ctx.remote_agents->heard_from(instance.id, ctx.clock.now_ms());
  if (model::agent_connected(instance)) return {};  // the usual case: nothing written
  bool reconnected = false;
  BERTH_TRY(ctx.store.update_container_instance(cluster, instance.id,
                                                [&](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
                                                  reconnected = model::set_agent_connected(ci, true);
                                                  return {};
                                                },
                                                store::IfMissing::skip));
  if (reconnected) ctx.tasks_changed();
  return {};
}

namespace {

// What waits for `instance_id`'s agent besides its tasks: open log requests, and the commands and
// relayed sessions no poll listed yet (taken: a reply that lists them is sent (news_for), so none
// is lost to a parked poll).
struct Asks {
  std::vector<model::LogRequest> logs;
  std::vector<model::ExecRequest> commands;
  std::vector<model::RelayRequest> relays;
  bool empty() const { return logs.empty() && commands.empty() && relays.empty(); }
};
std::vector<model::RelayRequest> relays_for(RemoteAgents& agents, const std::string& instance_id) {
  std::vector<model::RelayRequest> out;
  if (!agents.relay_sessions()) return out;
  for (auto& [id, ask] : agents.relay_sessions()->take_for(instance_id)) {
    const auto kind = ask.kind == RelayAsk::Kind::attach ? model::RelayRequest::Kind::attach : model::RelayRequest::Kind::exec;
    out.push_back({id, kind, std::move(ask.runtime_id), std::move(ask.session.argv), ask.session.tty,
                   ask.session.interactive});
  }
  return out;
}
Asks asks_for(Context& ctx, const std::string& instance_id) {
  if (!ctx.remote_agents) return {};
  RemoteAgents& agents = *ctx.remote_agents;
  return {agents.log_requests().asked_of(instance_id), agents.exec_requests().take_for(instance_id),
          relays_for(agents, instance_id)};
}

// The reply a poll of `instance_id` gets now: its desired tasks and `asks`.
Result<model::PollInstanceTasksReply> current_reply(Context& ctx, const std::string& cluster,
                                                    const std::string& instance_id, Asks asks) {
  BERTH_ASSIGN(auto reply, read_instance_tasks(ctx, cluster, instance_id));
  reply.log_requests = std::move(asks.logs);
  reply.exec_requests = std::move(asks.commands);
  reply.relay_requests = std::move(asks.relays);
  return reply;
}

// Whether the instance's tasks are still those of `cursor`, read from their ids and desired
// statuses alone: a poll at rest (the usual one) is parked, or parked again, without reading and
// decoding its tasks, their definitions and secrets.
Result<bool> cursor_is_current(Context& ctx, const std::string& cluster, const std::string& instance_id,
                               const std::string& cursor) {
  BERTH_ASSIGN(const auto desires, ctx.store.instance_task_desires(cluster, instance_id, k_max_polled_tasks));
  return model::instance_tasks_cursor(desires) == cursor;
}

// Whether `reply` answers a poll whose agent acts on `cursor` now, not only at its deadline.
bool news_for(const model::PollInstanceTasksReply& reply, const std::optional<std::string>& cursor) {
  // Logs and commands someone waits for are asked at once.
  return !cursor || *cursor != reply.cursor || !reply.log_requests.empty() || !reply.exec_requests.empty() ||
         !reply.relay_requests.empty();
}

// Logs once per this many polls answered at once for want of a parking place.
constexpr std::uint64_t k_full_log_every = 1000;

// Parks `poll`; false when it must be answered now (no parking place is free, or the server stops).
bool park(RemoteAgents& agents, ParkedPoll poll) {
  switch (agents.parked().park(std::move(poll))) {
    case ParkedPolls::Park::parked:
      return true;
    case ParkedPolls::Park::full:
      // Answered now with the current state: the agent, seeing the same cursor at once, pauses
      // before it asks again; the operator learns why and which setting raises the bound.
      if (agents.count_full() % k_full_log_every == 0) {
        log_warn("PollInstanceTasks: " + std::to_string(agents.parked().max()) +
                 " polls are parked already (BERTH_MAX_POLL_WAITERS); polls beyond are answered at once");
      }
      return false;
    case ParkedPolls::Park::closed:
      return false;  // the server stops
  }
  return false;
}

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
    BERTH_TRY(instance_heard_from(ctx, cluster, *instance));
    RemoteAgents* agents = ctx.remote_agents;
    auto asks = asks_for(ctx, instance->id);
    auto wait = agents ? agents->settings().max_poll_wait : std::chrono::milliseconds(0);
    if (request.wait_seconds) wait = std::min(wait, std::chrono::milliseconds(*request.wait_seconds * 1000));
    // Parked, the poll keeps nothing of a reply: the answerer reads the state again when it is
    // due (memory stays small with a thousand agents parked).
    const auto parked = [&](const std::string& cursor) {
      return park(*agents, ParkedPoll{cluster, instance->id, cursor, ctx.clock.now_ms() + wait.count(), answer});
    };
    bool may_wait = agents && request.cursor && asks.empty() && wait > std::chrono::milliseconds(0);
    if (may_wait) {
      BERTH_ASSIGN(const bool current, cursor_is_current(ctx, cluster, instance->id, *request.cursor));
      if (current) {
        if (parked(*request.cursor)) return std::optional<model::PollInstanceTasksReply>();
        may_wait = false;  // refused: answered now
      }
    }
    BERTH_ASSIGN(auto reply, current_reply(ctx, cluster, instance->id, std::move(asks)));
    // The tasks changed back between the two reads: the poll waits after all.
    if (may_wait && !news_for(reply, request.cursor) && parked(reply.cursor)) {
      return std::optional<model::PollInstanceTasksReply>();
    }
    return reply;
  }();
  if (!begun) return answer(std::unexpected(begun.error()));
  if (*begun) answer(std::move(**begun));
}

void answer_parked_poll(Context& ctx, ParkedPolls::Due due) {
  ParkedPoll& poll = due.poll;
  RemoteAgents* agents = ctx.remote_agents;
  auto asks = asks_for(ctx, poll.instance_id);
  if (!due.expired && asks.empty()) {
    // Woken by a change, most often elsewhere: while its instance's tasks are the same, it waits
    // on until the same deadline, its tasks not read.
    auto current = cursor_is_current(ctx, poll.cluster, poll.instance_id, poll.cursor);
    if (!current) return poll.answer(std::unexpected(current.error()));
    if (*current) {
      auto answer = poll.answer;
      const std::string cluster = poll.cluster, instance_id = poll.instance_id;
      if (agents->parked().park(std::move(poll)) == ParkedPolls::Park::parked) return;
      auto reply = current_reply(ctx, cluster, instance_id, {});
      return answer(std::move(reply));
    }
  }
  auto reply = current_reply(ctx, poll.cluster, poll.instance_id, std::move(asks));
  if (!reply) return poll.answer(std::unexpected(reply.error()));
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
