// Typed requests and replies of UpdateTaskProtection and GetTaskProtection: decoders from the
// shape-checked body, validated once with ECS's errors (the cluster and the tasks the use cases
// check against the store), and the encoder of their common reply. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/failure.hpp"
#include "model/schema.hpp"
#include "model/task_protection.hpp"

namespace berth::model {

struct UpdateTaskProtectionRequest {
  std::string cluster;              // name or ARN
  std::vector<std::string> tasks;   // 1 to 10 ids or ARNs
  bool protection_enabled = false;
  int expires_in_minutes = 120;     // 1 to 2880; ignored when removing protection
};

struct GetTaskProtectionRequest {
  std::string cluster;                             // name or ARN
  std::optional<std::vector<std::string>> tasks;   // 1 to 100 ids or ARNs; nothing = every protected task
};

// One entry of protectedTasks[].
struct ProtectedTask {
  std::string task_id;
  bool protection_enabled = false;
  std::optional<EpochMs> expiration;  // while enabled
};

// How `task` answers at `now`: enabled, with its expiration, while its protection holds.
ProtectedTask protected_task_of(const TaskProtection& task, EpochMs now);

// {"protectedTasks": [...], "failures": [...]}: both actions' reply.
struct TaskProtectionReply {
  std::string cluster;
  std::vector<ProtectedTask> tasks;
  std::vector<Failure> failures;
};

// Decoders of bodies checked against request_shapes' (which bound expiresInMinutes to 1–2880).
// Errors: InvalidParameterException for an empty or too long task list.
[[nodiscard]] Result<UpdateTaskProtectionRequest> decode_update_task_protection(const Json& body);
[[nodiscard]] Result<GetTaskProtectionRequest> decode_get_task_protection(const Json& body);

// protectedTasks with task ARNs and expirationDate in epoch seconds, and failures.
Json encode_task_protection_reply(const TaskProtectionReply& reply, const ArnScope& arns);

}  // namespace berth::model
