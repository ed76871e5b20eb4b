#include "svc/cluster_join.hpp"

#include "common/ids.hpp"
#include "svc/access_keys.hpp"
#include "svc/instance_registration.hpp"

namespace berth::svc {
namespace {

constexpr std::string_view k_token_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// "bjt-" and 43 characters of 62: 256 bits, beyond guessing.
constexpr std::size_t k_token_chars = 43;

}  // namespace

std::string instance_key_policy(const ArnScope& arns, const std::string& cluster, const std::string& instance_id) {
  const model::Json policy{
      {"Version", "2012-10-17"},
      {"Statement",
       model::Json::array(
           {{{"Effect", "Allow"}, {"Action", "ecs:DiscoverPollEndpoint"}, {"Resource", "*"}},
            {{"Effect", "Allow"},
             {"Action", model::Json::array({"ecs:SubmitTaskStateChange", "ecs:SubmitContainerStateChange"})},
             {"Resource", arns.cluster(cluster)}},
            {{"Effect", "Allow"},
             {"Action", model::Json::array({"berth:PollInstanceTasks", "berth:SubmitTaskLogs", "berth:SubmitExecResult",
                                            "berth:ConnectRelaySession"})},
             {"Resource", arns.container_instance(cluster, instance_id)}},
            // Re-registering itself (new resources or attributes after a restart): the use case
            // refuses an instance key a registration of any other or of a new instance.
            {{"Effect", "Allow"},
             {"Action", "ecs:RegisterContainerInstance"},
             {"Resource", model::Json::array({arns.cluster(cluster), arns.container_instance(cluster, instance_id)})}}})}};
  return policy.dump();
}

Result<model::CreateJoinTokenReply> create_join_token(Context& ctx, const model::CreateJoinTokenRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  if (request.ttl_seconds < 1 || request.ttl_seconds > model::k_max_join_token_ttl_seconds) {
    return fail(Code::invalid_parameter, "ttlSeconds must be 1 to " + std::to_string(model::k_max_join_token_ttl_seconds) + ".");
  }
  const EpochMs now = ctx.clock.now_ms();
  std::string token = "bjt-" + random_chars(k_token_chars, k_token_alphabet);
  const model::JoinToken stored{model::join_token_hash(token), cluster, now, now + request.ttl_seconds * 1000,
                                std::nullopt, ""};
  BERTH_TRY(ctx.store.create_join_token(stored, k_max_join_tokens, now));
  return model::CreateJoinTokenReply{std::move(token), cluster, stored.expires_at};
}

Result<model::JoinClusterReply> join_cluster(Context& ctx, const model::JoinClusterRequest& request) {
  const EpochMs now = ctx.clock.now_ms();
  const std::string id = random_hex(16);
  const auto change = new_instance_registration(ctx, request.registration);
  model::AccessKey key;
  const auto key_for = [&](const std::string& cluster) -> Result<model::AccessKey> {
    BERTH_ASSIGN(key, new_access_key(ctx, model::instance_user(id), "custom", instance_key_policy(ctx.arns, cluster, id)));
    return key;
  };
  BERTH_ASSIGN(auto outcome, ctx.store.join_with_token(model::join_token_hash(request.token), now, id, change,
                                                       request.registration.tags, key_for, k_max_instance_keys));
  using State = store::Store::JoinTokenState;
  switch (outcome.state) {
    case State::unknown:
      return fail(Code::client, "The join token is not valid: make one with `berth join-token create` on the serving gateway.");
    case State::used:
      return fail(Code::client, "The join token was already used (by container instance " + outcome.token.instance_id +
                                    "); a token joins one node. Make a new one with `berth join-token create`.");
    case State::expired:
      return fail(Code::client, "The join token expired at " + std::to_string(outcome.token.expires_at / 1000) +
                                    " (epoch seconds); make a new one with `berth join-token create`.");
    case State::valid:
      break;
  }
  if (ctx.remote_agents) ctx.remote_agents->heard_from(id, now);
  // A new instance: DAEMON services place their task on it now.
  ctx.tasks_changed();
  model::JoinClusterReply reply;
  reply.cluster = outcome.token.cluster;
  reply.instance_id = id;
  reply.access_key_id = key.access_key_id;
  reply.secret_access_key = key.secret;
  reply.region = ctx.arns.region;
  if (ctx.remote_agents) {
    reply.poll_wait_seconds = ctx.remote_agents->settings().max_poll_wait.count() / 1000;
    reply.lost_after_seconds = ctx.remote_agents->settings().lost_after_ms / 1000;
  }
  return reply;
}

}  // namespace berth::svc
