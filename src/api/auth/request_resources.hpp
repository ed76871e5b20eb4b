// What a decoded request asks to do in IAM terms: its action ("ecs:RunTask") and every resource
// ARN a policy must allow for it, plus the further actions it implies. Pure; thread-safe.
//
// Resources are built from the same values the use cases act on (names and ARNs resolved by
// ArnScope's and parse_task_definition_ref's rules, then written in berth's canonical form), so a
// pattern in a policy meets the resource the request really touches whichever spelling the caller
// used. An identifier berth cannot resolve is evaluated as written: the use case refuses it anyway.
// A name to create (clusterName, serviceName, a secret's Name, PutParameter's Name) is taken as
// written, never read as an ARN.
// Per cluster every request is bounded: a policy naming `cluster/plant-7`, `task/plant-7/*`,
// `service/plant-7/*`, `container-instance/plant-7/*` (or `*/plant-7*`) reaches no other cluster.
//
// ECS (arn:aws:ecs:<region>:<account>:..., "<c>" the cluster, the default when not given; each
// rule sits in its action's row of api/ecs_actions.cpp)
//   CreateCluster, DeleteCluster                 cluster/<clusterName|cluster>
//   DescribeClusters                             cluster/<each> (none given: the default)
//   ListClusters, ListTaskDefinitions,
//   ListTaskDefinitionFamilies                   *
//   RegisterTaskDefinition                       task-definition/<family>:*  (the revision is not known yet)
//                                                + berth:RegisterPrivilegedTaskDefinition on it when the
//                                                  definition takes the host (privileged_settings.hpp)
//   DescribeTaskDefinition,
//   DeregisterTaskDefinition                     task-definition/<family>:<revision>, or <family>:* for a bare family
//   DeleteTaskDefinitions                        task-definition/<family>:<revision> each
//   TagResource, UntagResource,
//   ListTagsForResource                          the resourceArn
//   RegisterContainerInstance                    cluster/<c> (+ container-instance/<c>/<id> when re-registering)
//   DeregisterContainerInstance                  cluster/<c> and container-instance/<c>/<id>
//   DescribeContainerInstances,
//   UpdateContainerInstancesState                container-instance/<c>/<id> each
//   ListContainerInstances, ListTasks,
//   ListServices, ListAttributes,
//   PutAttributes, DeleteAttributes              cluster/<c>
//   RunTask                                      cluster/<c> and the task definition
//   StartTask                                    cluster/<c>, the task definition, container-instance/<c>/<id> each
//   StopTask, DescribeTasks,
//   UpdateTaskProtection                         task/<c>/<id> (each)
//   GetTaskProtection                            task/<c>/<id> each (none given: cluster/<c>)
//   CreateService, UpdateService                 service/<c>/<name> (and the task definition when given)
//   DeleteService, DescribeServices              service/<c>/<name> (each)
//   PutAccountSetting, PutAccountSettingDefault,
//   ListAccountSettings, DeleteAccountSetting,
//   DiscoverPollEndpoint                         *
//   SubmitTaskStateChange, SubmitContainerStateChange,
//   SubmitAttachmentStateChanges                 cluster/<c>
//   UpdateCluster, UpdateClusterSettings,
//   PutClusterCapacityProviders                  cluster/<c>
//   CreateCapacityProvider                       capacity-provider/<name> (as written)
//   UpdateCapacityProvider,
//   DeleteCapacityProvider                       capacity-provider/<name or ARN's name>
//   DescribeCapacityProviders                    capacity-provider/<each> (none given: *)
//   RegisterDaemonTaskDefinition                 daemon-task-definition/<family>:*  (+ the privileged action
//                                                  as RegisterTaskDefinition)
//   DescribeDaemonTaskDefinition,
//   DeleteDaemonTaskDefinition                   daemon-task-definition/<family>:<revision> (or :*), an ARN as given
//   ListDaemonTaskDefinitions                    *
//   CreateDaemon                                 daemon/<clusterArn's cluster>/<daemonName> and its definition
//   UpdateDaemon                                 the daemonArn and the definition
//   DescribeDaemon, DeleteDaemon,
//   ListDaemonDeployments                        the daemonArn as given
//   DescribeDaemonDeployments,
//   DescribeDaemonRevisions                      each ARN as given
//   ListDaemons                                  cluster/<clusterArn, else default>
//   ListServiceDeployments                       service/<c>/<name>
//   DescribeServiceDeployments,
//   DescribeServiceRevisions                     each ARN as given (service-deployment/<c>/<s>/<id>,
//                                                  service-revision/<c>/<s>/<id>)
//   StopServiceDeployment,
//   ContinueServiceDeployment                    the serviceDeploymentArn as given
//   ListServicesByNamespace                      * (its services may be in any cluster)
// Scheduler (arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>, group "default")
//   GetSchedule, DeleteSchedule                  the schedule
//   CreateSchedule, UpdateSchedule               the schedule, + ecs:RunTask on Target.Arn (the cluster) and on
//                                                  Target.EcsParameters.TaskDefinitionArn: what the schedule will run
//   ListSchedules                                *
// Secrets Manager (arn:aws:secretsmanager:<region>:<account>:secret:...)
//   CreateSecret (Name), GetSecretValue, PutSecretValue, DescribeSecret, DeleteSecret (SecretId)
//                                                secret:<name>-?????? for a name (the six characters AWS appends
//                                                are unknown here: `secret:db-*` and `secret:db-??????` match it,
//                                                a full ARN with its suffix does not); an ARN as given
//   ListSecrets                                  *
// SSM (arn:aws:ssm:<region>:<account>:parameter/<name without its leading '/'>)
//   PutParameter, DeleteParameter                the parameter named
//   GetParameter                                 the parameter named or its ARN (a ":<version|label>" selector dropped)
//   GetParameters                                one per name or ARN, as GetParameter
//   DeleteParameters                             one per name
//   GetParametersByPath                          parameter/<path without leading and trailing '/'>
//   DescribeParameters                           *
// CloudWatch (service prefix "cloudwatch"; arn:aws:cloudwatch:<region>:<account>:alarm:<name>)
//   PutMetricAlarm                               alarm:<AlarmName>
//   DeleteAlarms                                 alarm:<name> each
//   GetMetricStatistics, GetMetricData,
//   ListMetrics, DescribeAlarms                  *
// CloudWatch Logs (service prefix "logs"; arn:aws:logs:<region>:<account>:log-group:<name>:*)
//   DescribeLogGroups                            *
//   every other action                           the group logGroupName (or logGroupIdentifier) names
// Application Auto Scaling (service prefix "application-autoscaling")
//   every action                                 * (AWS has no resource-level permissions for them)
//   RegisterScalableTarget, PutScalingPolicy,
//   PutScheduledAction                           + ecs:UpdateService on service/<c>/<s> of the ResourceId
// Cloud Map (service prefix "servicediscovery"; arn:aws:servicediscovery:<region>:<account>:...)
//   GetNamespace, DeleteNamespace                namespace/<Id>
//   GetService, DeleteService                    service/<Id>
//   RegisterInstance, DeregisterInstance,
//   GetInstance, ListInstances                   service/<ServiceId>
//   every other action                           *
// berth key admin (service prefix "iam")
//   CreateAccessKey, ListAccessKeys,
//   DeleteAccessKey                              arn:aws:iam::<account>:user/<UserName, else the caller>
// berth's REST routes (service prefix "berth"; the request holds the route's members)
//   GetTaskLogs ({"cluster", "task"})            task/<c>/<id>, as for DescribeTasks
//   GetMetrics (GET /metrics, GET /v1/stats)     *
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth/policy.hpp"
#include "api/auth/resource_mapper.hpp"
#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::api::auth {

// A further permission a request needs beyond its own action.
struct Permission {
  std::string action;
  std::string resource;
};

struct RequestedAccess {
  std::string action;                    // "<prefix>:<Action>", e.g. "ecs:RunTask"
  std::vector<std::string> resources;    // every one must be allowed for `action`; never empty
  std::vector<Permission> also_needed;   // each must be allowed too
};

// More resources than this in one request are refused (the largest ECS list, DescribeTasks and
// DescribeClusters, takes 100): it bounds the evaluation work an authenticated caller can cause.
inline constexpr std::size_t k_max_request_resources = 100;

// Returns the access a request asks for: `service` the IAM prefix ("ecs", "scheduler",
// "secretsmanager", "ssm", "cloudwatch", "logs", "servicediscovery", "iam", "berth"), `action` its name ("RunTask"), `request` its JSON body
// (shape-checked for ECS; for Scheduler the body with the route's members set on it, as
// handle_scheduler_request merges them: CreateSchedule's GroupName travels in the body).
// Returns UnknownOperationException for an action without a mapping (refuse the request: an
// unmapped action is never "*"), InvalidParameterException past k_max_request_resources.
[[nodiscard]] Result<RequestedAccess> requested_access(const RequestContext& context, std::string_view service,
                                                       std::string_view action, const model::Json& request);

// The first permission of `access` that `policies` do not allow, if any.
struct Refusal {
  Decision decision = Decision::implicit_deny;
  std::string action;
  std::string resource;
};
std::optional<Refusal> first_refusal(std::span<const Policy> policies, const RequestedAccess& access);

}  // namespace berth::api::auth
