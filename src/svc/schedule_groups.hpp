// EventBridge Scheduler schedule groups (Create/Get/List/DeleteScheduleGroup) and Scheduler's
// TagResource, UntagResource and ListTagsForResource on schedule groups and (a berth extension:
// AWS's Scheduler tags groups only) schedules, each taking the shape-checked request with its path
// and query members merged in. Thread-safe.
#pragma once

#include "svc/context.hpp"

namespace berth::svc {

// LimitExceededException (Scheduler's ServiceQuotaExceededException) beyond
// model::k_max_schedule_groups.
[[nodiscard]] Result<Json> create_schedule_group(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> get_schedule_group(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> list_schedule_groups(Context& ctx, const Json& request);
// Deletes the group with its schedules; the group `default` cannot be deleted.
[[nodiscard]] Result<Json> delete_schedule_group(Context& ctx, const Json& request);

[[nodiscard]] Result<Json> tag_scheduler_resource(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> untag_scheduler_resource(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> list_scheduler_resource_tags(Context& ctx, const Json& request);

// The group a schedule request names (GroupName, `default` when absent), if it exists;
// ResourceNotFoundException otherwise.
[[nodiscard]] Result<std::string> existing_schedule_group(Context& ctx, const Json& request);

}  // namespace berth::svc
