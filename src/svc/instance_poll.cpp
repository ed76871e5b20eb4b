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

// The reply a poll of `instance_id` gets now, complete: its desired tasks and `asks`. With no asks
// in it, what it shows of the instance is cached: its cursor, and whether it had secrets.
Result<model::PollInstanceTasksReply> current_reply(Context& ctx, const std::string& cluster,
                                                    const std::string& instance_id, Asks asks) {
  // Read before the tasks: a write between the two moves the version past this one, so the
  // entry recorded below is never found (store/instance_task_versions.hpp).
  const std::uint64_t version = ctx.store.instance_tasks_version(cluster, instance_id);
  const bool asked = !asks.empty();
  BERTH_ASSIGN(auto reply, read_instance_tasks(ctx, cluster, instance_id));
  reply.log_requests = std::move(asks.logs);
  reply.exec_requests = std::move(asks.commands);
  reply.relay_requests = std::move(asks.relays);
  if (ctx.remote_agents && !asked) {
    ctx.remote_agents->poll_states().record(cluster, instance_id, {version, reply.cursor, reply.secrets.empty()});
  }
  return reply;
}

// What a poll of the instance learns of its tasks now: their cursor, and whether a complete reply
// would tell its agent nothing more (no secrets). From the cache while the store's version of
// the instance's tasks is the one it was read at (no store read: the poll at rest), else from
// the tasks' ids and desired statuses alone (not their bodies, definitions or secrets).
struct Standing {
  std::string cursor;
  bool quiet = false;
};
Result<Standing> standing_of(Context& ctx, const std::string& cluster, const std::string& instance_id) {
  InstancePollCache& cache = ctx.remote_agents->poll_states();
  if (auto hit = cache.at(cluster, instance_id, ctx.store.instance_tasks_version(cluster, instance_id))) {
    return Standing{std::move(hit->cursor), hit->quiet};
  }
  BERTH_ASSIGN(const auto read, ctx.store.instance_task_desires(cluster, instance_id, k_max_polled_tasks));
  Standing standing{model::instance_tasks_cursor(read.desires), false};
  cache.record(cluster, instance_id, {read.version, standing.cursor, false});
  return standing;
}

// The reply a poll whose agent acts on `cursor` gets now: "unchanged" when its agent takes that,
// nothing is asked of it and a complete reply would tell it nothing new; else complete.
Result<model::PollInstanceTasksReply> reply_to(Context& ctx, const std::string& cluster, const std::string& instance_id,
                                               Asks asks, const std::optional<std::string>& cursor,
                                               bool accept_unchanged) {
  if (ctx.remote_agents && accept_unchanged && cursor && asks.empty()) {
    BERTH_ASSIGN(const auto standing, standing_of(ctx, cluster, instance_id));
    if (standing.quiet && standing.cursor == *cursor) {
      model::PollInstanceTasksReply reply;
      reply.cluster = cluster;
      reply.instance_id = instance_id;
      reply.cursor = *cursor;
      reply.unchanged = true;
      return reply;
    }
  }
  return current_reply(ctx, cluster, instance_id, std::move(asks));
}

// Whether `reply` answers a poll whose agent acts on `cursor` now, not only at its deadline.
bool news_for(const model::PollInstanceTasksReply& reply, const std::optional<std::string>& cursor) {
  // Logs and commands someone waits for are asked at once.
  return !cursor || *cursor != reply.cursor || !reply.log_requests.empty() || !reply.exec_requests.empty() ||
         !reply.relay_requests.empty();
}

// Logs once per this many polls answered at once for want of a parking place.
constexpr std::uint64_t k_full_log_every = 1000;

// Parks `poll` (`changes_seen`: as ParkedPolls::park); false when it must be answered now (no
// parking place is free, or the server stops).
bool park(RemoteAgents& agents, ParkedPoll poll, std::uint64_t changes_seen) {
  switch (agents.parked().park(std::move(poll), changes_seen)) {
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
    // Read before the state is looked at: a change announced after it wakes the poll parked below.
    const std::uint64_t changes = agents ? agents->parked().changes() : 0;
    auto asks = asks_for(ctx, instance->id);
    auto wait = agents ? agents->settings().max_poll_wait : std::chrono::milliseconds(0);
    if (request.wait_seconds) wait = std::min(wait, std::chrono::milliseconds(*request.wait_seconds * 1000));
    // Parked, the poll keeps nothing of a reply: the answerer reads the state again when it is
    // due (memory stays small with a thousand agents parked).
    const auto parked = [&](const std::string& cursor) {
      return park(*agents,
                  ParkedPoll{cluster, instance->id, cursor, ctx.clock.now_ms() + wait.count(), answer,
                             request.accept_unchanged},
                  changes);
    };
    bool may_wait = agents && request.cursor && asks.empty() && wait > std::chrono::milliseconds(0);
    if (may_wait) {
      BERTH_ASSIGN(const auto standing, standing_of(ctx, cluster, instance->id));
      if (standing.cursor == *request.cursor) {
        if (parked(*request.cursor)) return std::optional<model::PollInstanceTasksReply>();
        may_wait = false;  // refused: answered now
      }
    }
    BERTH_ASSIGN(auto reply,
                 reply_to(ctx, cluster, instance->id, std::move(asks), request.cursor, request.accept_unchanged));
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
  const std::uint64_t changes = agents->parked().changes();  // before the state is looked at
  auto asks = asks_for(ctx, poll.instance_id);
  if (!due.expired && asks.empty()) {
    // Woken by a change, most often elsewhere: while its instance's tasks are the same, it waits
    // on until the same deadline, its tasks not read.
    auto standing = standing_of(ctx, poll.cluster, poll.instance_id);
    if (!standing) return poll.answer(std::unexpected(standing.error()));
    if (standing->cursor == poll.cursor) {
      auto answer = poll.answer;
      const std::string cluster = poll.cluster, instance_id = poll.instance_id, cursor = poll.cursor;
      const bool accept_unchanged = poll.accept_unchanged;
      if (agents->parked().park(std::move(poll), changes) == ParkedPolls::Park::parked) return;
      return answer(reply_to(ctx, cluster, instance_id, {}, cursor, accept_unchanged));
    }
  }
  auto reply = reply_to(ctx, poll.cluster, poll.instance_id, std::move(asks), poll.cursor, poll.accept_unchanged);
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
