// The joined agent's side of the agent protocol: the requests a remote agent sends to the serving
// gateway (JoinCluster, RegisterContainerInstance again, PollInstanceTasks, SubmitTaskStateChange,
// SubmitContainerStateChange) encoded, and the server's replies decoded into typed values with
// checked access (a reply is untrusted input: a wrong type is an error, never an exception).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"
#include "model/agent_state_changes.hpp"
#include "model/container_instance_requests.hpp"
#include "model/instance_poll.hpp"
#include "model/join_tokens.hpp"

namespace berth::model {

// {"joinToken", "attributes", "totalResources", "versionInfo"}: the node as RegisterContainerInstance
// would describe it (built-in and custom attributes, registered resources).
Json encode_join_request(const std::string& token, const NodeRegistration& node);
// RegisterContainerInstance of the joined instance `instance_arn` again (after a restart).
Json encode_reregistration(const std::string& cluster, const std::string& instance_arn, const NodeRegistration& node);
// `accept_unchanged`: the agent takes an "unchanged" reply (a server before them refuses the member).
Json encode_poll_request(const std::string& cluster, const std::string& instance_arn,
                         const std::optional<std::string>& cursor, int wait_seconds, bool accept_unchanged);
Json encode_task_state_change(const SubmitTaskStateChangeRequest& request);
Json encode_container_state_change(const SubmitContainerStateChangeRequest& request);

// The join reply: cluster and instance id out of their ARNs, the key, the server's timings.
// ServerException naming what is missing or malformed.
[[nodiscard]] Result<JoinClusterReply> decode_join_reply(const Json& reply);
// The poll reply: tasks from DescribeTasks' shape (their records as far as the wire shows them;
// a container's `essential` comes from its definition), definitions from DescribeTaskDefinition's
// (the body without the members the server adds). ServerException for a malformed member.
[[nodiscard]] Result<PollInstanceTasksReply> decode_poll_reply(const Json& reply);

}  // namespace berth::model
