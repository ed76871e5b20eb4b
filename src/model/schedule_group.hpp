// An EventBridge Scheduler schedule group: a named set of schedules that is deleted with them,
// and tagged. The group `default` always exists and cannot be deleted. Also Scheduler's tag list
// ([{"Key","Value"}]). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"

namespace berth::model {

inline constexpr std::string_view k_default_schedule_group = "default";
// EventBridge Scheduler's quota of schedule groups in an account and Region (`default` counts).
inline constexpr std::size_t k_max_schedule_groups = 500;

struct ScheduleGroup {
  std::string name;
  EpochMs created_at = 0;
  EpochMs modified_at = 0;
};

// Whether `name` is a schedule or group name as Scheduler allows: 1 to 64 letters, digits, '-',
// '_' or '.'.
bool is_schedule_name(std::string_view name);

// "arn:aws:scheduler:<region>:<account>:schedule-group/<name>".
std::string schedule_group_arn(const ArnScope& arns, const std::string& name);
// GetScheduleGroup's output, which is also ListScheduleGroups' ScheduleGroupSummary.
Json schedule_group_to_json(const ScheduleGroup& group, const ArnScope& arns);

// Reads Scheduler's shape-checked Tags list: at most 50 tags, keys 1-128 and values 1-256
// characters, no key twice, none beginning with aws:. ValidationException otherwise.
[[nodiscard]] Result<std::vector<Tag>> read_scheduler_tags(const Json& tags);
// [{"Key":..,"Value":..}].
Json scheduler_tags_to_json(const std::vector<Tag>& tags);

// The tag key ("schedule-group/NAME", "schedule/GROUP/NAME") the store keeps the tags of the
// Scheduler resource `arn` under, if it is a schedule group or schedule ARN of this region and
// account; ValidationException otherwise.
[[nodiscard]] Result<std::string> scheduler_tag_key(const std::string& arn, const ArnScope& arns);

}  // namespace berth::model
