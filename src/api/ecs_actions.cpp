#include "api/ecs_actions.hpp"

#include <algorithm>
#include <vector>

#include "api/refused_action.hpp"
#include "model/account_setting_shapes.hpp"
#include "model/agent_shapes.hpp"
#include "model/capacity_provider.hpp"
#include "model/capacity_provider_shapes.hpp"
#include "model/daemon_shapes.hpp"
#include "model/request_shapes.hpp"
#include "model/service_deployment_requests.hpp"
#include "model/task_set_requests.hpp"
#include "svc/account_settings.hpp"
#include "svc/actions.hpp"
#include "svc/agent_actions.hpp"
#include "svc/capacity_providers.hpp"
#include "svc/daemons.hpp"
#include "svc/execute_command.hpp"
#include "svc/service_deployments.hpp"
#include "svc/task_sets.hpp"

namespace berth::api {
namespace {

namespace shapes = model::request_shapes;
namespace capacity_shapes = model::capacity_provider_shapes;

// Every action's use case is typed_use_case<decoder, handler, encoder>: the decoder validates the
// shape-checked body once, the handler works on typed values, the encoder writes the reply.
EcsAction action(std::string_view name, const model::Shape& shape, UseCase use_case, auth::ResourcesOf resources) {
  return EcsAction{name, &shape, use_case, std::move(resources)};
}

// Authorization rules that only one action uses. A name to create is taken as written, never
// read as an ARN.
using namespace auth;
constexpr std::string_view k_instance = "container-instance";

Resources created_cluster(const Mapper& m) {
  return {m.arns().cluster(string_member(m.request(), "clusterName").value_or("default"))};
}
Resources described_clusters(const Mapper& m) {
  Resources out;
  for (const std::string& id : string_list(m.request(), "clusters")) out.push_back(m.cluster_arn_of(id));
  if (out.empty()) out.push_back(m.cluster_arn());
  return out;
}
Resources registered_family(const Mapper& m) { return {m.family_arn(string_member(m.request(), "family").value_or(""))}; }
Resources created_service(const Mapper& m) {
  return {m.new_member_arn("service", string_member(m.request(), "serviceName").value_or(""))};
}
// A capacity provider named by name or ARN; one to create is its name as written.
std::string capacity_provider_arn_of(const Mapper& m, const std::string& text) {
  const auto name = model::capacity_provider_name_of(m.arns(), text);
  return name ? model::capacity_provider_arn(m.arns(), *name) : text;
}
Resources created_capacity_provider(const Mapper& m) {
  return {model::capacity_provider_arn(m.arns(), string_member(m.request(), "name").value_or(""))};
}
// Actions a gateway refuses on purpose (api/refused_action.hpp).
EcsAction refused(std::string_view name, UseCase use_case) {
  return EcsAction{name, &refused_action_shape(), use_case, everything};
}
constexpr Refusal k_no_express_gateway{
    Code::unsupported_feature,
    "Express Gateway services run on AWS Fargate behind an Application Load Balancer in an AWS Region; a gateway "
    "has neither. Create a service with CreateService instead."};

constexpr Refusal k_agent_updated_by_package{
    Code::unsupported_feature,
    "berth is the container agent of a gateway and is updated through its package (the gateway's package manager "
    "or image), not through the ECS API: UpdateContainerAgent cannot update it."};

std::string task_definition_arn(const Mapper& m, const std::string& text) { return m.task_definition_arn(text); }
std::string tagged_resource_arn(const Mapper& m, const std::string& text) { return m.tagged_resource_arn(text); }
// Service deployments and revisions are named by ARN only (service-deployment/<c>/<s>/<id>).
std::string history_arn_as_written(const Mapper&, const std::string& text) { return text; }
namespace deployment_shapes = model::deployment_shapes;

// Daemons: ARNs are taken as written; a daemon task definition by its daemon-task-definition ARN.
namespace daemon_shapes = model::daemon_shapes;
std::string as_written(const Mapper&, const std::string& text) { return text; }
std::string daemon_task_definition_arn(const Mapper& m, const std::string& text) {
  if (is_arn(text)) return text;
  return m.arns().prefix() + "daemon-task-definition/" + text + (text.find(':') == std::string::npos ? ":*" : "");
}
Resources registered_daemon_family(const Mapper& m) {
  return {daemon_task_definition_arn(m, string_member(m.request(), "family").value_or("") + ":*")};
}
Resources created_daemon(const Mapper& m) {
  const std::string cluster = string_member(m.request(), "clusterArn").value_or("default");
  return {model::daemon_arn(m.arns(), m.arns().cluster_name_of(cluster).value_or(cluster),
                            string_member(m.request(), "daemonName").value_or("")),
          daemon_task_definition_arn(m, string_member(m.request(), "daemonTaskDefinitionArn").value_or(""))};
}
Resources daemons_cluster(const Mapper& m) {
  return {m.cluster_arn_of(string_member(m.request(), "clusterArn").value_or("default"))};
}

// Sorted by name (find_ecs_action searches it).
const std::vector<EcsAction>& actions() {
  static const std::vector<EcsAction> k_actions = {
      action("ContinueServiceDeployment", deployment_shapes::continue_service_deployment,
             typed_use_case<model::decode_continue_service_deployment, svc::continue_service_deployment, model::encode_service_deployment_arn>,
             one_of("serviceDeploymentArn", history_arn_as_written)),
      action("CreateCapacityProvider", capacity_shapes::create_capacity_provider,
             typed_use_case<model::decode_create_capacity_provider, svc::create_capacity_provider, model::encode_capacity_provider_reply>,
             created_capacity_provider),
      action("CreateCluster", shapes::create_cluster,
             typed_use_case<model::decode_create_cluster, svc::create_cluster, model::encode_cluster_reply>,
             created_cluster),
      action("CreateDaemon", daemon_shapes::create_daemon(),
             typed_use_case<model::decode_create_daemon, svc::create_daemon, model::encode_daemon_change>,
             created_daemon),
      refused("CreateExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("CreateService", shapes::create_service,
             typed_use_case<model::decode_create_service, svc::create_service, model::encode_service_reply>,
             both(created_service, if_given("taskDefinition", task_definition("taskDefinition")))),
      action("CreateTaskSet", shapes::create_task_set,
             typed_use_case<model::decode_create_task_set, svc::create_task_set, model::encode_task_set_reply>,
             both(member("service", "service"), task_definition("taskDefinition"))),
      action("DeleteAccountSetting", shapes::delete_account_setting,
             typed_use_case<model::decode_delete_account_setting, svc::delete_account_setting, model::encode_account_setting_reply>,
             everything),
      action("DeleteAttributes", shapes::delete_attributes,
             typed_use_case<model::decode_delete_attributes, svc::delete_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("DeleteCapacityProvider", capacity_shapes::delete_capacity_provider,
             typed_use_case<model::decode_delete_capacity_provider, svc::delete_capacity_provider, model::encode_capacity_provider_reply>,
             one_of("capacityProvider", capacity_provider_arn_of)),
      action("DeleteCluster", shapes::delete_cluster,
             typed_use_case<model::decode_delete_cluster, svc::delete_cluster, model::encode_cluster_reply>,
             the_cluster),
      action("DeleteDaemon", daemon_shapes::daemon_arn_only(),
             typed_use_case<model::decode_daemon_arn_request, svc::delete_daemon, model::encode_daemon_change>,
             one_of("daemonArn", as_written)),
      action("DeleteDaemonTaskDefinition", daemon_shapes::describe_daemon_task_definition(),
             typed_use_case<model::decode_daemon_task_definition_ref, svc::delete_daemon_task_definition, model::encode_daemon_task_definition_arn>,
             one_of("daemonTaskDefinition", daemon_task_definition_arn)),
      refused("DeleteExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("DeleteService", shapes::delete_service,
             typed_use_case<model::decode_delete_service, svc::delete_service, model::encode_service_reply>,
             member("service", "service")),
      action("DeleteTaskDefinitions", shapes::delete_task_definitions,
             typed_use_case<model::decode_delete_task_definitions, svc::delete_task_definitions, model::encode_delete_task_definitions>,
             each_of("taskDefinitions", task_definition_arn)),
      action("DeleteTaskSet", shapes::delete_task_set,
             typed_use_case<model::decode_delete_task_set, svc::delete_task_set, model::encode_task_set_reply>,
             member("service", "service")),
      action("DeregisterContainerInstance", shapes::deregister_container_instance,
             typed_use_case<model::decode_deregister_container_instance, svc::deregister_container_instance, model::encode_container_instance_reply>,
             both(the_cluster, member(k_instance, "containerInstance"))),
      action("DeregisterTaskDefinition", shapes::deregister_task_definition,
             typed_use_case<model::decode_deregister_task_definition, svc::deregister_task_definition, model::encode_task_definition_reply>,
             task_definition("taskDefinition")),
      action("DescribeCapacityProviders", capacity_shapes::describe_capacity_providers,
             typed_use_case<model::decode_describe_capacity_providers, svc::describe_capacity_providers, model::encode_describe_capacity_providers>,
             each_of("capacityProviders", capacity_provider_arn_of)),
      action("DescribeClusters", shapes::describe_clusters,
             typed_use_case<model::decode_describe_clusters, svc::describe_clusters, model::encode_describe_clusters>,
             described_clusters),
      action("DescribeContainerInstances", shapes::describe_container_instances,
             typed_use_case<model::decode_describe_container_instances, svc::describe_container_instances, model::encode_container_instances_reply>,
             members(k_instance, "containerInstances")),
      action("DescribeDaemon", daemon_shapes::daemon_arn_only(),
             typed_use_case<model::decode_daemon_arn_request, svc::describe_daemon, model::encode_describe_daemon>,
             one_of("daemonArn", as_written)),
      action("DescribeDaemonDeployments", daemon_shapes::describe_daemon_deployments(),
             typed_use_case<model::decode_describe_daemon_deployments, svc::describe_daemon_deployments, model::encode_daemon_deployments>,
             each_of("daemonDeploymentArns", as_written)),
      action("DescribeDaemonRevisions", daemon_shapes::describe_daemon_revisions(),
             typed_use_case<model::decode_describe_daemon_revisions, svc::describe_daemon_revisions, model::encode_daemon_revisions>,
             each_of("daemonRevisionArns", as_written)),
      action("DescribeDaemonTaskDefinition", daemon_shapes::describe_daemon_task_definition(),
             typed_use_case<model::decode_daemon_task_definition_ref, svc::describe_daemon_task_definition, model::encode_daemon_task_definition>,
             one_of("daemonTaskDefinition", daemon_task_definition_arn)),
      refused("DescribeExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("DescribeServiceDeployments", deployment_shapes::describe_service_deployments,
             typed_use_case<model::decode_describe_service_deployments, svc::describe_service_deployments, model::encode_describe_service_deployments>,
             each_of("serviceDeploymentArns", history_arn_as_written)),
      action("DescribeServiceRevisions", deployment_shapes::describe_service_revisions,
             typed_use_case<model::decode_describe_service_revisions, svc::describe_service_revisions, model::encode_describe_service_revisions>,
             each_of("serviceRevisionArns", history_arn_as_written)),
      action("DescribeServices", shapes::describe_services,
             typed_use_case<model::decode_describe_services, svc::describe_services, model::encode_describe_services>,
             members("service", "services")),
      action("DescribeTaskDefinition", shapes::describe_task_definition,
             typed_use_case<model::decode_describe_task_definition, svc::describe_task_definition, model::encode_task_definition_reply>,
             task_definition("taskDefinition")),
      action("DescribeTaskSets", shapes::describe_task_sets,
             typed_use_case<model::decode_describe_task_sets, svc::describe_task_sets, model::encode_describe_task_sets>,
             member("service", "service")),
      action("DescribeTasks", shapes::describe_tasks,
             typed_use_case<model::decode_describe_tasks, svc::describe_tasks, model::encode_tasks_reply>,
             members("task", "tasks")),
      action("DiscoverPollEndpoint", shapes::discover_poll_endpoint,
             typed_use_case<model::decode_discover_poll_endpoint, svc::discover_poll_endpoint, model::encode_poll_endpoint>,
             everything),
      action("ExecuteCommand", model::execute_command_shape(),
             typed_use_case<model::decode_execute_command, svc::execute_command, model::encode_execute_command>,
             member("task", "task")),
      action("GetTaskProtection", shapes::get_task_protection,
             typed_use_case<model::decode_get_task_protection, svc::get_task_protection, model::encode_task_protection_reply>,
             members("task", "tasks")),
      action("ListAccountSettings", shapes::list_account_settings,
             typed_use_case<model::decode_list_account_settings, svc::list_account_settings, model::encode_account_settings_page>,
             everything),
      action("ListAttributes", shapes::list_attributes,
             typed_use_case<model::decode_list_attributes, svc::list_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("ListClusters", shapes::list_clusters,
             typed_use_case<model::decode_list_clusters, svc::list_clusters, model::encode_list_clusters>,
             everything),
      action("ListContainerInstances", shapes::list_container_instances,
             typed_use_case<model::decode_list_container_instances, svc::list_container_instances, model::encode_list_container_instances>,
             the_cluster),
      action("ListDaemonDeployments", daemon_shapes::list_daemon_deployments(),
             typed_use_case<model::decode_list_daemon_deployments, svc::list_daemon_deployments, model::encode_daemon_deployment_summaries>,
             one_of("daemonArn", as_written)),
      action("ListDaemonTaskDefinitions", daemon_shapes::list_daemon_task_definitions(),
             typed_use_case<model::decode_list_daemon_task_definitions, svc::list_daemon_task_definitions, model::encode_daemon_task_definitions_page>,
             everything),
      action("ListDaemons", daemon_shapes::list_daemons(),
             typed_use_case<model::decode_list_daemons, svc::list_daemons, model::encode_daemons_page>,
             daemons_cluster),
      action("ListServiceDeployments", deployment_shapes::list_service_deployments,
             typed_use_case<model::decode_list_service_deployments, svc::list_service_deployments, model::encode_list_service_deployments>,
             member("service", "service")),
      action("ListServices", shapes::list_services,
             typed_use_case<model::decode_list_services, svc::list_services, model::encode_list_services>,
             the_cluster),
      action("ListServicesByNamespace", deployment_shapes::list_services_by_namespace,
             typed_use_case<model::decode_list_services_by_namespace, svc::list_services_by_namespace, model::encode_list_services_by_namespace>,
             everything),
      action("ListTagsForResource", shapes::list_tags_for_resource,
             typed_use_case<model::decode_list_tags_for_resource, svc::list_tags_for_resource, model::encode_list_tags_for_resource>,
             one_of("resourceArn", tagged_resource_arn)),
      action("ListTaskDefinitionFamilies", shapes::list_task_definition_families,
             typed_use_case<model::decode_list_task_definition_families, svc::list_task_definition_families, model::encode_list_task_definition_families>,
             everything),
      action("ListTaskDefinitions", shapes::list_task_definitions,
             typed_use_case<model::decode_list_task_definitions, svc::list_task_definitions, model::encode_list_task_definitions>,
             everything),
      action("ListTasks", shapes::list_tasks,
             typed_use_case<model::decode_list_tasks, svc::list_tasks, model::encode_list_tasks>,
             the_cluster),
      action("PutAccountSetting", shapes::put_account_setting,
             typed_use_case<model::decode_put_account_setting, svc::put_principal_account_setting, model::encode_account_setting_reply>,
             everything),
      action("PutAccountSettingDefault", shapes::put_account_setting_default,
             typed_use_case<model::decode_put_account_setting, svc::put_account_setting, model::encode_account_setting_reply>,
             everything),
      action("PutAttributes", shapes::put_attributes,
             typed_use_case<model::decode_put_attributes, svc::put_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("PutClusterCapacityProviders", capacity_shapes::put_cluster_capacity_providers,
             typed_use_case<model::decode_put_cluster_capacity_providers, svc::put_cluster_capacity_providers, model::encode_cluster_reply>,
             the_cluster),
      action("RegisterContainerInstance", shapes::register_container_instance,
             typed_use_case<model::decode_register_container_instance, svc::register_container_instance, model::encode_container_instance_reply>,
             both(the_cluster, if_given("containerInstanceArn", member(k_instance, "containerInstanceArn")))),
      action("RegisterDaemonTaskDefinition", daemon_shapes::register_daemon_task_definition(),
             typed_use_case<model::decode_register_daemon_task_definition, svc::register_daemon_task_definition, model::encode_daemon_task_definition_arn>,
             registered_daemon_family),
      action("RegisterTaskDefinition", shapes::register_task_definition,
             typed_use_case<model::decode_register_task_definition, svc::register_task_definition, model::encode_task_definition_reply>,
             registered_family),
      action("RunTask", shapes::run_task,
             typed_use_case<model::decode_run_task, svc::run_task, model::encode_tasks_reply>,
             both(the_cluster, task_definition("taskDefinition"))),
      action("StartTask", shapes::start_task,
             typed_use_case<model::decode_start_task, svc::start_task, model::encode_tasks_reply>,
             both(both(the_cluster, task_definition("taskDefinition")), members(k_instance, "containerInstances"))),
      action("StopServiceDeployment", deployment_shapes::stop_service_deployment,
             typed_use_case<model::decode_stop_service_deployment, svc::stop_service_deployment, model::encode_service_deployment_arn>,
             one_of("serviceDeploymentArn", history_arn_as_written)),
      action("StopTask", shapes::stop_task,
             typed_use_case<model::decode_stop_task, svc::stop_task, model::encode_task_reply>,
             member("task", "task")),
      action("SubmitAttachmentStateChanges", shapes::submit_attachment_state_changes,
             typed_use_case<model::decode_submit_attachment_state_changes, svc::submit_attachment_state_changes, model::encode_acknowledgment>,
             the_cluster),
      action("SubmitContainerStateChange", shapes::submit_container_state_change,
             typed_use_case<model::decode_submit_container_state_change, svc::submit_container_state_change, model::encode_acknowledgment>,
             the_cluster),
      action("SubmitTaskStateChange", shapes::submit_task_state_change,
             typed_use_case<model::decode_submit_task_state_change, svc::submit_task_state_change, model::encode_acknowledgment>,
             the_cluster),
      action("TagResource", shapes::tag_resource,
             typed_use_case<model::decode_tag_resource, svc::tag_resource, model::encode_empty>,
             one_of("resourceArn", tagged_resource_arn)),
      action("UntagResource", shapes::untag_resource,
             typed_use_case<model::decode_untag_resource, svc::untag_resource, model::encode_empty>,
             one_of("resourceArn", tagged_resource_arn)),
      action("UpdateCapacityProvider", capacity_shapes::update_capacity_provider,
             typed_use_case<model::decode_update_capacity_provider, svc::update_capacity_provider, model::encode_capacity_provider_reply>,
             one_of("name", capacity_provider_arn_of)),
      action("UpdateCluster", shapes::update_cluster,
             typed_use_case<model::decode_update_cluster, svc::update_cluster_settings, model::encode_cluster_reply>,
             the_cluster),
      action("UpdateClusterSettings", shapes::update_cluster_settings,
             typed_use_case<model::decode_update_cluster_settings, svc::update_cluster_settings, model::encode_cluster_reply>,
             the_cluster),
      refused("UpdateContainerAgent", refused_use_case<k_agent_updated_by_package>),
      action("UpdateContainerInstancesState", shapes::update_container_instances_state,
             typed_use_case<model::decode_update_container_instances_state, svc::update_container_instances_state, model::encode_container_instances_reply>,
             members(k_instance, "containerInstances")),
      action("UpdateDaemon", daemon_shapes::update_daemon(),
             typed_use_case<model::decode_update_daemon, svc::update_daemon, model::encode_daemon_change>,
             both(one_of("daemonArn", as_written),
                  one_of("daemonTaskDefinitionArn", daemon_task_definition_arn))),
      refused("UpdateExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("UpdateService", shapes::update_service,
             typed_use_case<model::decode_update_service, svc::update_service, model::encode_service_reply>,
             both(member("service", "service"), if_given("taskDefinition", task_definition("taskDefinition")))),
      action("UpdateServicePrimaryTaskSet", shapes::update_service_primary_task_set,
             typed_use_case<model::decode_update_service_primary_task_set, svc::update_service_primary_task_set,
                            model::encode_task_set_reply>,
             member("service", "service")),
      action("UpdateTaskProtection", shapes::update_task_protection,
             typed_use_case<model::decode_update_task_protection, svc::update_task_protection, model::encode_task_protection_reply>,
             members("task", "tasks")),
      action("UpdateTaskSet", shapes::update_task_set,
             typed_use_case<model::decode_update_task_set, svc::update_task_set, model::encode_task_set_reply>,
             member("service", "service")),
  };
  return k_actions;
}

}  // namespace

std::span<const EcsAction> ecs_actions() { return actions(); }

const EcsAction* find_ecs_action(std::string_view name) {
  const auto& k_actions = actions();
  const auto it = std::lower_bound(k_actions.begin(), k_actions.end(), name,
                                   [](const EcsAction& action, std::string_view wanted) { return action.name < wanted; });
  return it != k_actions.end() && it->name == name ? &*it : nullptr;
}

}  // namespace berth::api
