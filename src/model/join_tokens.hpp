// Joining a cluster: the one-time join tokens `berth join-token create` makes on the serving
// gateway, and the typed requests and replies of berth's cluster actions that create and spend
// them (BerthCluster.CreateJoinToken, BerthCluster.JoinCluster). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/container_instance_requests.hpp"
#include "model/schema.hpp"

namespace berth::model {

// A join token as stored: never the token itself, only its SHA-256, so a copied database joins
// nothing.
struct JoinToken {
  std::string hash;     // SHA-256 of the token, 64 lowercase hex digits
  std::string cluster;  // the cluster a node joins with it
  EpochMs created_at = 0;
  EpochMs expires_at = 0;
  std::optional<EpochMs> used_at;  // set once, when a node joined with it
  std::string instance_id;         // the instance it registered, once used
};

// What a token's holder may join with it. ttl bounds: one second to 30 days (default 24 h).
inline constexpr long long k_default_join_token_ttl_seconds = 24 * 3600;
inline constexpr long long k_max_join_token_ttl_seconds = 30 * 24 * 3600;

// Returns the hash a token is stored and looked up by.
std::string join_token_hash(std::string_view token);

struct CreateJoinTokenRequest {
  std::optional<std::string> cluster;  // nothing = the default cluster
  long long ttl_seconds = k_default_join_token_ttl_seconds;
};

struct CreateJoinTokenReply {
  std::string token;  // shown once
  std::string cluster;
  EpochMs expires_at = 0;
};

// A node joining: the token plus what RegisterContainerInstance would send (attributes,
// totalResources, versionInfo, instanceIdentityDocument, tags); the cluster is the token's.
struct JoinClusterRequest {
  std::string token;
  RegisterContainerInstanceRequest registration;
};

// The registered instance and the key the node signs everything else with (the secret is shown
// once), limited by its policy to this instance's agent actions.
struct JoinClusterReply {
  std::string cluster;
  std::string instance_id;
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  long long poll_wait_seconds = 0;  // the longest wait PollInstanceTasks grants
  long long lost_after_seconds = 0;  // silence after which the server counts the instance lost
};

// The request shapes (BerthCluster.<Action>).
const Shape& create_join_token_shape();
const Shape& join_cluster_shape();

[[nodiscard]] Result<CreateJoinTokenRequest> decode_create_join_token(const Json& body);
[[nodiscard]] Result<JoinClusterRequest> decode_join_cluster(const Json& body);
Json encode_create_join_token(const CreateJoinTokenReply& reply, const ArnScope& arns);
Json encode_join_cluster(const JoinClusterReply& reply, const ArnScope& arns);

}  // namespace berth::model
