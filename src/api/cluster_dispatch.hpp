// berth's cluster-of-gateways API (X-Amz-Target "BerthCluster.<Action>", JSON 1.1, on the ECS
// endpoint): CreateJoinToken (an operator's, `berth join-token create`; IAM berth:CreateJoinToken
// on the cluster), JoinCluster (a joining node's: unsigned, the join token is its credential) and
// PollInstanceTasks (a joined agent's long-poll, signed with its instance key; IAM
// berth:PollInstanceTasks on its container instance) and SubmitTaskLogs (its answer to a log
// request a poll listed; IAM berth:SubmitTaskLogs on its container instance) and SubmitExecResult
// (its answer to a command a poll listed; IAM berth:SubmitExecResult likewise). Errors are
// ECS-shaped. No sockets here.
// Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_cluster_target_prefix = "BerthCluster.";
// The one action answered before authentication: its token is its credential.
inline constexpr std::string_view k_join_cluster_target = "BerthCluster.JoinCluster";

// Returns the decoded call, or the error to answer.
Decoded decode_cluster_request(std::string_view target, std::string_view body);

}  // namespace berth::api
