// Keeps a service's deployment history (model/service_revision.hpp) in step with its live
// deployments: a service deployment per rollout that UpdateService or CreateService starts, moved
// through ECS's states as the scheduler's rollout progresses, completes, fails or is superseded,
// and rolled back on request or by the circuit breaker. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/service.hpp"

namespace berth::model {

// The id service deployments and revisions take from a live deployment: "ecs-svc/123" → "123".
std::string history_id_of(std::string_view live_deployment_id);

// The revision the live deployment `live_id` runs: its service deployment's target, or the
// revision a rollback it runs returns to; nullptr when no service deployment follows it (a
// service stored before histories were kept).
const ServiceRevision* revision_run_by(const Service& service, std::string_view live_id);

// Records the rollout of the PRIMARY deployment that was just put at the front of
// service.deployments: a revision of what it runs (with the service's attachments) and a PENDING
// service deployment whose sources are the revisions the other live deployments run. Drops
// service deployments beyond k_max_service_deployments, the oldest finished ones first, and the
// revisions no kept one names. REQUIRES: service.deployments is not empty.
void record_new_deployment(Service& service, EpochMs now);

// Moves every service deployment that is not finished along with the live deployment it follows:
// PENDING → IN_PROGRESS once it has tasks; SUCCESSFUL when its rollout completed; STOPPED when
// the circuit breaker failed it without rollback or a newer deployment superseded it; under a
// rollback (the circuit breaker's or a requested one) ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS
// → ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED. Changes nothing when nothing moved.
void follow_deployments(Service& service, EpochMs now);

// The task counts of the live deployment running revision `revision_id` (zeros when none runs it
// any more): a source revision's counts in DescribeServiceDeployments.
RevisionCounts live_counts_of(const Service& service, std::string_view revision_id);

// Rolls back the service deployment `record_id` (not finished) to its first source revision: a
// new PRIMARY deployment `rollback_live_id` of that revision at the service's desired count,
// the service's attachments returned to the revision's, and the record ROLLBACK_REQUESTED with
// `reason`. Errors: ConflictException when the deployment is finished or has no source revision.
[[nodiscard]] Result<void> roll_back(Service& service, std::string_view record_id, const std::string& rollback_live_id,
                                     const std::string& reason, EpochMs now);

}  // namespace berth::model
