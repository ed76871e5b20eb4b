#include "model/schedule_shapes.hpp"

#include <map>
#include <string>

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_timestamp = timestamp_shape();
const Shape k_any = any_shape();
const Shape k_state = enum_shape({"ENABLED", "DISABLED"});
const Shape k_completion = enum_shape({"NONE", "DELETE"});
const Shape k_overlap = enum_shape({"ALLOW", "SKIP_IF_RUNNING"});
const Shape k_window_mode = enum_shape({"OFF", "FLEXIBLE"});
const Shape k_window_minutes = integer_shape(1, 1440);
const Shape k_flexible_time_window =
    structure({{"Mode", &k_window_mode, true}, {"MaximumWindowInMinutes", &k_window_minutes}});
const Shape k_task_count = integer_shape(1, 10);
const Shape k_launch_type = enum_shape({"EC2", "FARGATE", "EXTERNAL"});
const Shape k_propagate_tags = enum_shape({"TASK_DEFINITION"});
const Shape k_constraint_type = enum_shape({"distinctInstance", "memberOf"});
const Shape k_constraint = structure({{"type", &k_constraint_type}, {"expression", &k_string}});
const Shape k_constraints = list_of(k_constraint);
const Shape k_strategy_type = enum_shape({"random", "spread", "binpack"});
const Shape k_strategy = structure({{"type", &k_strategy_type}, {"field", &k_string}});
const Shape k_strategies = list_of(k_strategy);
const Shape k_tag_map = map_of(k_string);
const Shape k_tag_maps = list_of(k_tag_map);
const Shape k_any_list = list_of(k_any);
const Shape k_ecs_parameters = structure({{"TaskDefinitionArn", &k_string, true},
                                          {"TaskCount", &k_task_count},
                                          {"Group", &k_string},
                                          {"PlacementConstraints", &k_constraints},
                                          {"PlacementStrategy", &k_strategies},
                                          {"LaunchType", &k_launch_type},
                                          {"ReferenceId", &k_string},
                                          {"PropagateTags", &k_propagate_tags},
                                          {"EnableECSManagedTags", &k_bool},
                                          {"EnableExecuteCommand", &k_bool},
                                          {"Tags", &k_tag_maps},
                                          {"CapacityProviderStrategy", &k_any_list},
                                          {"NetworkConfiguration", &k_any},
                                          {"PlatformVersion", &k_string}});
const Shape k_event_age = integer_shape(60, 86400);
const Shape k_retry_attempts = integer_shape(0, 185);
const Shape k_retry_policy =
    structure({{"MaximumEventAgeInSeconds", &k_event_age}, {"MaximumRetryAttempts", &k_retry_attempts}});
// RoleArn is required by AWS; a gateway has no IAM, so berth stores it when given.
const Shape k_target = structure({{"Arn", &k_string, true},
                                  {"RoleArn", &k_string},
                                  {"EcsParameters", &k_ecs_parameters},
                                  {"Input", &k_string},
                                  {"RetryPolicy", &k_retry_policy},
                                  {"DeadLetterConfig", &k_any},
                                  {"EventBridgeParameters", &k_any},
                                  {"KinesisParameters", &k_any},
                                  {"SageMakerPipelineParameters", &k_any},
                                  {"SqsParameters", &k_any}});
const Shape k_put_schedule = structure({{"Name", &k_string, true},
                                        {"GroupName", &k_string},
                                        {"ClientToken", &k_string},
                                        {"Description", &k_string},
                                        {"ScheduleExpression", &k_string, true},
                                        {"ScheduleExpressionTimezone", &k_string},
                                        {"StartDate", &k_timestamp},
                                        {"EndDate", &k_timestamp},
                                        {"State", &k_state},
                                        {"ActionAfterCompletion", &k_completion},
                                        {"OverlapPolicy", &k_overlap},
                                        {"FlexibleTimeWindow", &k_flexible_time_window, true},
                                        {"KmsKeyArn", &k_string},
                                        {"Target", &k_target, true}});
const Shape k_named_schedule =
    structure({{"Name", &k_string, true}, {"GroupName", &k_string}, {"ClientToken", &k_string}});
const Shape k_max_results = integer_shape(1, 100);
const Shape k_list_schedules = structure({{"GroupName", &k_string},
                                          {"NamePrefix", &k_string},
                                          {"State", &k_state},
                                          {"MaxResults", &k_max_results},
                                          {"NextToken", &k_string}});
const Shape k_scheduler_tag = structure({{"Key", &k_string, true}, {"Value", &k_string, true}});
const Shape k_scheduler_tags = list_of(k_scheduler_tag);
const Shape k_create_group =
    structure({{"Name", &k_string, true}, {"ClientToken", &k_string}, {"Tags", &k_scheduler_tags}});
const Shape k_named_group = structure({{"Name", &k_string, true}, {"ClientToken", &k_string}});
const Shape k_list_groups =
    structure({{"NamePrefix", &k_string}, {"MaxResults", &k_max_results}, {"NextToken", &k_string}});
const Shape k_tag_resource = structure({{"ResourceArn", &k_string, true}, {"Tags", &k_scheduler_tags, true}});
const Shape k_tag_keys = list_of(k_string);
const Shape k_untag_resource = structure({{"ResourceArn", &k_string, true}, {"TagKeys", &k_tag_keys, true}});
const Shape k_resource = structure({{"ResourceArn", &k_string, true}});

}  // namespace

const Shape* find_schedule_request_shape(std::string_view action) {
  static const std::map<std::string, const Shape*, std::less<>> k_shapes = {
      {"CreateSchedule", &k_put_schedule},  {"UpdateSchedule", &k_put_schedule},
      {"GetSchedule", &k_named_schedule},   {"DeleteSchedule", &k_named_schedule},
      {"ListSchedules", &k_list_schedules},
      {"CreateScheduleGroup", &k_create_group}, {"GetScheduleGroup", &k_named_group},
      {"DeleteScheduleGroup", &k_named_group},  {"ListScheduleGroups", &k_list_groups},
      {"TagResource", &k_tag_resource},         {"UntagResource", &k_untag_resource},
      {"ListTagsForResource", &k_resource},
  };
  const auto it = k_shapes.find(action);
  return it == k_shapes.end() ? nullptr : it->second;
}

}  // namespace berth::model
