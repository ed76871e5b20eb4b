// JSON of task sets: the stored form inside a service's record, the wire form of ECS's TaskSet,
// their ARNs and how a request names one. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"
#include "model/task_set.hpp"

namespace berth::model {

Json task_set_to_record(const TaskSet& set);
// Errors: ServerException for a record that is not an object or has an unknown status.
[[nodiscard]] Result<TaskSet> task_set_from_record(const Json& record);

// arn:aws:ecs:<region>:<account>:task-set/<cluster>/<service>/<id>
std::string task_set_arn(const ArnScope& arns, const std::string& cluster, const std::string& service,
                         const std::string& id);

// The id `text` names for a task set of `service` in `cluster`: `text` itself (an id) or the id
// of a task-set ARN of this region, account, cluster and service; nothing for another ARN.
std::optional<std::string> task_set_id_of(const ArnScope& arns, const std::string& cluster,
                                          const std::string& service, const std::string& text);

// Where a task set belongs, and what its computed count derives from.
struct TaskSetOwner {
  std::string cluster;
  std::string service;
  int service_desired_count = 0;
};

// ECS's TaskSet, with its counts as `set` carries them (stabilityStatusAt: when they were
// counted) and the tags when given.
Json task_set_to_json(const TaskSet& set, const TaskSetOwner& owner, const ArnScope& arns,
                      const std::vector<Tag>* tags);

}  // namespace berth::model
