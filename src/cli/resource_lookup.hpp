// Finding what a word on the command line names: a task by id, short id or ARN; a service by
// name or ARN; for `berth describe`, anything of the cluster (task, service, task definition,
// container instance, schedule). Asks the API (socket or --endpoint) for the candidates. Main thread only.
#pragma once

#include <string>

#include "cli/ecs_client.hpp"
#include "cli/id_prefix.hpp"
#include "common/result.hpp"

namespace berth::cli {

// The task `word` names (a task ARN, a task id or an unambiguous prefix of one); stopped tasks
// count with Stopped::include.
[[nodiscard]] Result<Candidate> find_task(const EcsClient& ecs, const std::string& word, EcsClient::Stopped stopped);

// What names the task `word` names in a call that takes an id or an ARN (exec, logs, stats): an
// ARN or a whole id (32 characters or more) as it is, so the call's own checks answer for it and
// no list is read; a shorter prefix resolved as find_task() does, to the task's ARN.
[[nodiscard]] Result<std::string> task_reference(const EcsClient& ecs, const std::string& word, EcsClient::Stopped stopped);

// The service `word` names (its name, an unambiguous prefix of it, or its ARN), described.
[[nodiscard]] Result<model::Json> find_service(const EcsClient& ecs, const std::string& word);

// What `word` names, of any kind: Candidate.kind is "task", "service", "task definition",
// "container instance" or "schedule", and Candidate.arn what describe_resource() takes.
[[nodiscard]] Result<Candidate> find_resource(const EcsClient& ecs, const std::string& word);

// The API's description of `found` (DescribeTasks' task, DescribeServices' service,
// DescribeTaskDefinition's reply, DescribeContainerInstances' instance, GetSchedule's reply).
[[nodiscard]] Result<model::Json> describe_resource(const EcsClient& ecs, const Candidate& found);

}  // namespace berth::cli
