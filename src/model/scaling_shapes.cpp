#include "model/scaling_shapes.hpp"

#include <map>
#include <string>

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_int = integer_shape();
const Shape k_double = number_shape();
const Shape k_timestamp = timestamp_shape();
const Shape k_strings = list_of(k_string);
const Shape k_max_results = integer_shape(1, 50);
const Shape k_capacity = integer_shape(0, INT_MAX);
const Shape k_cooldown = integer_shape(0, 86400);
// Every namespace and dimension of the API model passes the shape, so that the use cases can say
// why berth refuses the ones it does not scale (a ValidationException, not a shape error).
const Shape k_namespace = enum_shape({
    "ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds", "sagemaker", "custom-resource",
    "comprehend", "lambda", "cassandra", "kafka", "elasticache", "neptune", "workspaces"});
const Shape k_dimension = enum_shape({
    "ecs:service:DesiredCount", "ec2:spot-fleet-request:TargetCapacity",
    "elasticmapreduce:instancegroup:InstanceCount", "appstream:fleet:DesiredCapacity",
    "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits",
    "dynamodb:index:ReadCapacityUnits", "dynamodb:index:WriteCapacityUnits", "rds:cluster:ReadReplicaCount",
    "sagemaker:variant:DesiredInstanceCount", "custom-resource:ResourceType:Property",
    "comprehend:document-classifier-endpoint:DesiredInferenceUnits",
    "comprehend:entity-recognizer-endpoint:DesiredInferenceUnits", "lambda:function:ProvisionedConcurrency",
    "cassandra:table:ReadCapacityUnits", "cassandra:table:WriteCapacityUnits",
    "kafka:broker-storage:VolumeSize", "elasticache:cache-cluster:Nodes",
    "elasticache:replication-group:NodeGroups", "elasticache:replication-group:Replicas",
    "neptune:cluster:ReadReplicaCount", "sagemaker:variant:DesiredProvisionedConcurrency",
    "sagemaker:inference-component:DesiredCopyCount", "workspaces:workspacespool:DesiredUserSessions"});
const Shape k_metric_type = enum_shape({
    "DynamoDBReadCapacityUtilization", "DynamoDBWriteCapacityUtilization", "ALBRequestCountPerTarget",
    "RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections",
    "EC2SpotFleetRequestAverageCPUUtilization", "EC2SpotFleetRequestAverageNetworkIn",
    "EC2SpotFleetRequestAverageNetworkOut", "SageMakerVariantInvocationsPerInstance",
    "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
    "AppStreamAverageCapacityUtilization", "ComprehendInferenceUtilization",
    "LambdaProvisionedConcurrencyUtilization", "CassandraReadCapacityUtilization",
    "CassandraWriteCapacityUtilization", "KafkaBrokerStorageUtilization", "ElastiCacheEngineCPUUtilization",
    "ElastiCacheDatabaseMemoryUsagePercentage", "ElastiCachePrimaryEngineCPUUtilization",
    "ElastiCacheReplicaEngineCPUUtilization", "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage",
    "NeptuneReaderAverageCPUUtilization", "SageMakerVariantProvisionedConcurrencyUtilization",
    "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage",
    "SageMakerInferenceComponentInvocationsPerCopy", "WorkSpacesAverageUserSessionsCapacityUtilization",
    "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
    "SageMakerVariantConcurrentRequestsPerModelHighResolution"});
const Shape k_tags = map_of(k_string);

const Shape k_suspended_state = structure({{"DynamicScalingInSuspended", &k_bool},
                                           {"DynamicScalingOutSuspended", &k_bool},
                                           {"ScheduledScalingSuspended", &k_bool}});
const Shape k_register = structure({{"ServiceNamespace", &k_namespace, true},
                                    {"ResourceId", &k_string, true},
                                    {"ScalableDimension", &k_dimension, true},
                                    {"MinCapacity", &k_capacity},
                                    {"MaxCapacity", &k_capacity},
                                    {"RoleARN", &k_string},
                                    {"SuspendedState", &k_suspended_state},
                                    {"Tags", &k_tags}});
const Shape k_target_key = structure({{"ServiceNamespace", &k_namespace, true},
                                      {"ResourceId", &k_string, true},
                                      {"ScalableDimension", &k_dimension, true}});
const Shape k_describe_targets = structure({{"ServiceNamespace", &k_namespace, true},
                                            {"ResourceIds", &k_strings},
                                            {"ScalableDimension", &k_dimension},
                                            {"MaxResults", &k_max_results},
                                            {"NextToken", &k_string}});

const Shape k_step = structure({{"MetricIntervalLowerBound", &k_double},
                                {"MetricIntervalUpperBound", &k_double},
                                {"ScalingAdjustment", &k_int, true}});
const Shape k_steps = list_of(k_step);
const Shape k_adjustment_type = enum_shape({"ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"});
const Shape k_aggregation = enum_shape({"Average", "Minimum", "Maximum"});
const Shape k_step_configuration = structure({{"AdjustmentType", &k_adjustment_type},
                                              {"StepAdjustments", &k_steps},
                                              {"MinAdjustmentMagnitude", &k_int},
                                              {"Cooldown", &k_cooldown},
                                              {"MetricAggregationType", &k_aggregation}});
const Shape k_predefined = structure({{"PredefinedMetricType", &k_metric_type, true}, {"ResourceLabel", &k_string}});
const Shape k_dimension_pair = structure({{"Name", &k_string, true}, {"Value", &k_string, true}});
const Shape k_dimension_pairs = list_of(k_dimension_pair);
const Shape k_statistic = enum_shape({"Average", "Minimum", "Maximum", "SampleCount", "Sum"});
// Metric math (Metrics) is accepted by the shape and refused by the use case with a reason.
const Shape k_any = any_shape();
const Shape k_customized = structure({{"MetricName", &k_string},
                                      {"Namespace", &k_string},
                                      {"Dimensions", &k_dimension_pairs},
                                      {"Statistic", &k_statistic},
                                      {"Unit", &k_string},
                                      {"Metrics", &k_any}});
const Shape k_target_tracking = structure({{"TargetValue", &k_double, true},
                                           {"PredefinedMetricSpecification", &k_predefined},
                                           {"CustomizedMetricSpecification", &k_customized},
                                           {"ScaleOutCooldown", &k_cooldown},
                                           {"ScaleInCooldown", &k_cooldown},
                                           {"DisableScaleIn", &k_bool}});
const Shape k_policy_type = enum_shape({"StepScaling", "TargetTrackingScaling", "PredictiveScaling"});
const Shape k_put_policy = structure({{"PolicyName", &k_string, true},
                                      {"ServiceNamespace", &k_namespace, true},
                                      {"ResourceId", &k_string, true},
                                      {"ScalableDimension", &k_dimension, true},
                                      {"PolicyType", &k_policy_type},
                                      {"StepScalingPolicyConfiguration", &k_step_configuration},
                                      {"TargetTrackingScalingPolicyConfiguration", &k_target_tracking},
                                      {"PredictiveScalingPolicyConfiguration", &k_any}});
const Shape k_describe_policies = structure({{"PolicyNames", &k_strings},
                                             {"ServiceNamespace", &k_namespace, true},
                                             {"ResourceId", &k_string},
                                             {"ScalableDimension", &k_dimension},
                                             {"MaxResults", &k_max_results},
                                             {"NextToken", &k_string}});
const Shape k_delete_policy = structure({{"PolicyName", &k_string, true},
                                         {"ServiceNamespace", &k_namespace, true},
                                         {"ResourceId", &k_string, true},
                                         {"ScalableDimension", &k_dimension, true}});

const Shape k_target_action = structure({{"MinCapacity", &k_capacity}, {"MaxCapacity", &k_capacity}});
const Shape k_put_scheduled = structure({{"ServiceNamespace", &k_namespace, true},
                                         {"Schedule", &k_string},
                                         {"Timezone", &k_string},
                                         {"ScheduledActionName", &k_string, true},
                                         {"ResourceId", &k_string, true},
                                         {"ScalableDimension", &k_dimension, true},
                                         {"StartTime", &k_timestamp},
                                         {"EndTime", &k_timestamp},
                                         {"ScalableTargetAction", &k_target_action}});
const Shape k_describe_scheduled = structure({{"ScheduledActionNames", &k_strings},
                                              {"ServiceNamespace", &k_namespace, true},
                                              {"ResourceId", &k_string},
                                              {"ScalableDimension", &k_dimension},
                                              {"MaxResults", &k_max_results},
                                              {"NextToken", &k_string}});
const Shape k_delete_scheduled = structure({{"ServiceNamespace", &k_namespace, true},
                                            {"ScheduledActionName", &k_string, true},
                                            {"ResourceId", &k_string, true},
                                            {"ScalableDimension", &k_dimension, true}});
const Shape k_describe_activities = structure({{"ServiceNamespace", &k_namespace, true},
                                               {"ResourceId", &k_string},
                                               {"ScalableDimension", &k_dimension},
                                               {"MaxResults", &k_max_results},
                                               {"NextToken", &k_string},
                                               {"IncludeNotScaledActivities", &k_bool}});

}  // namespace

const Shape* find_scaling_request_shape(std::string_view action) {
  static const std::map<std::string, const Shape*, std::less<>> k_shapes = {
      {"RegisterScalableTarget", &k_register},
      {"DescribeScalableTargets", &k_describe_targets},
      {"DeregisterScalableTarget", &k_target_key},
      {"PutScalingPolicy", &k_put_policy},
      {"DescribeScalingPolicies", &k_describe_policies},
      {"DeleteScalingPolicy", &k_delete_policy},
      {"PutScheduledAction", &k_put_scheduled},
      {"DescribeScheduledActions", &k_describe_scheduled},
      {"DeleteScheduledAction", &k_delete_scheduled},
      {"DescribeScalingActivities", &k_describe_activities},
  };
  const auto it = k_shapes.find(action);
  return it == k_shapes.end() ? nullptr : it->second;
}

}  // namespace berth::model
