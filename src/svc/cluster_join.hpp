// Joining a cluster of gateways: join tokens made on the serving gateway (`berth join-token
// create`) and spent once by a node, which becomes a registered container instance with its own
// access key, limited by policy to that instance's agent actions. Thread-safe (state in the Store).
#pragma once

#include "model/join_tokens.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Unexpired join tokens berth holds at once.
inline constexpr std::size_t k_max_join_tokens = 100;
// Instance keys (one per joined instance), counted apart from people's keys.
inline constexpr std::size_t k_max_instance_keys = 1000;

// Makes a one-time token for the cluster (ACTIVE; default: the default cluster), valid for
// `ttl_seconds`. Only its hash is stored; the token is returned once.
[[nodiscard]] Result<model::CreateJoinTokenReply> create_join_token(Context& ctx, const model::CreateJoinTokenRequest& request);

// Spends the token: registers a new instance in its cluster with the request's registration and
// creates its key, all in one transaction. ClientException for a token that is unknown, already
// used or expired (nothing is written); as RegisterContainerInstance for a bad registration.
[[nodiscard]] Result<model::JoinClusterReply> join_cluster(Context& ctx, const model::JoinClusterRequest& request);

// The policy of instance `instance_id`'s key in `cluster`: DiscoverPollEndpoint,
// SubmitTaskStateChange and SubmitContainerStateChange in its cluster, PollInstanceTasks,
// SubmitTaskLogs, SubmitExecResult, ConnectRelaySession and RegisterContainerInstance
// (re-registering itself only: the use case checks) on its own instance; nothing else.
std::string instance_key_policy(const ArnScope& arns, const std::string& cluster, const std::string& instance_id);

}  // namespace berth::svc
