#include "api/ecs_actions.hpp"

#include <algorithm>
#include <vector>

#include "api/refused_action.hpp"
#include "model/request_shapes.hpp"
#include "svc/actions.hpp"
#include "svc/execute_command.hpp"

namespace berth::api {
namespace {

namespace shapes = model::request_shapes;

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
// Actions a gateway refuses on purpose (api/refused_action.hpp).
EcsAction refused(std::string_view name, UseCase use_case) {
  return EcsAction{name, &refused_action_shape(), use_case, everything};
}
constexpr Refusal k_no_express_gateway{
    Code::unsupported_feature,
    "Express Gateway services run on AWS Fargate behind an Application Load Balancer in an AWS Region; a gateway "
    "has neither. Create a service with CreateService instead."};

std::string task_definition_arn(const Mapper& m, const std::string& text) { return m.task_definition_arn(text); }
std::string tagged_resource_arn(const Mapper& m, const std::string& text) { return m.tagged_resource_arn(text); }

// Sorted by name (find_ecs_action searches it).
const std::vector<EcsAction>& actions() {
  static const std::vector<EcsAction> k_actions = {
      action("CreateCluster", shapes::create_cluster,
             typed_use_case<model::decode_create_cluster, svc::create_cluster, model::encode_cluster_reply>,
             created_cluster),
      refused("CreateExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("CreateService", shapes::create_service,
             typed_use_case<model::decode_create_service, svc::create_service, model::encode_service_reply>,
             both(created_service, if_given("taskDefinition", task_definition("taskDefinition")))),
      action("DeleteAttributes", shapes::delete_attributes,
             typed_use_case<model::decode_delete_attributes, svc::delete_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("DeleteCluster", shapes::delete_cluster,
             typed_use_case<model::decode_delete_cluster, svc::delete_cluster, model::encode_cluster_reply>,
             the_cluster),
      refused("DeleteExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("DeleteService", shapes::delete_service,
             typed_use_case<model::decode_delete_service, svc::delete_service, model::encode_service_reply>,
             member("service", "service")),
      action("DeleteTaskDefinitions", shapes::delete_task_definitions,
             typed_use_case<model::decode_delete_task_definitions, svc::delete_task_definitions, model::encode_delete_task_definitions>,
             each_of("taskDefinitions", task_definition_arn)),
      action("DeregisterContainerInstance", shapes::deregister_container_instance,
             typed_use_case<model::decode_deregister_container_instance, svc::deregister_container_instance, model::encode_container_instance_reply>,
             both(the_cluster, member(k_instance, "containerInstance"))),
      action("DeregisterTaskDefinition", shapes::deregister_task_definition,
             typed_use_case<model::decode_deregister_task_definition, svc::deregister_task_definition, model::encode_task_definition_reply>,
             task_definition("taskDefinition")),
      action("DescribeClusters", shapes::describe_clusters,
             typed_use_case<model::decode_describe_clusters, svc::describe_clusters, model::encode_describe_clusters>,
             described_clusters),
      action("DescribeContainerInstances", shapes::describe_container_instances,
             typed_use_case<model::decode_describe_container_instances, svc::describe_container_instances, model::encode_container_instances_reply>,
             members(k_instance, "containerInstances")),
      refused("DescribeExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("DescribeServices", shapes::describe_services,
             typed_use_case<model::decode_describe_services, svc::describe_services, model::encode_describe_services>,
             members("service", "services")),
      action("DescribeTaskDefinition", shapes::describe_task_definition,
             typed_use_case<model::decode_describe_task_definition, svc::describe_task_definition, model::encode_task_definition_reply>,
             task_definition("taskDefinition")),
      action("DescribeTasks", shapes::describe_tasks,
             typed_use_case<model::decode_describe_tasks, svc::describe_tasks, model::encode_tasks_reply>,
             members("task", "tasks")),
      action("ExecuteCommand", model::execute_command_shape(),
             typed_use_case<model::decode_execute_command, svc::execute_command, model::encode_execute_command>,
             member("task", "task")),
      action("GetTaskProtection", shapes::get_task_protection,
             typed_use_case<model::decode_get_task_protection, svc::get_task_protection, model::encode_task_protection_reply>,
             members("task", "tasks")),
      action("ListAttributes", shapes::list_attributes,
             typed_use_case<model::decode_list_attributes, svc::list_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("ListClusters", shapes::list_clusters,
             typed_use_case<model::decode_list_clusters, svc::list_clusters, model::encode_list_clusters>,
             everything),
      action("ListContainerInstances", shapes::list_container_instances,
             typed_use_case<model::decode_list_container_instances, svc::list_container_instances, model::encode_list_container_instances>,
             the_cluster),
      action("ListServices", shapes::list_services,
             typed_use_case<model::decode_list_services, svc::list_services, model::encode_list_services>,
             the_cluster),
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
      action("PutAttributes", shapes::put_attributes,
             typed_use_case<model::decode_put_attributes, svc::put_attributes, model::encode_attributes_reply>,
             the_cluster),
      action("RegisterContainerInstance", shapes::register_container_instance,
             typed_use_case<model::decode_register_container_instance, svc::register_container_instance, model::encode_container_instance_reply>,
             both(the_cluster, if_given("containerInstanceArn", member(k_instance, "containerInstanceArn")))),
      action("RegisterTaskDefinition", shapes::register_task_definition,
             typed_use_case<model::decode_register_task_definition, svc::register_task_definition, model::encode_task_definition_reply>,
             registered_family),
      action("RunTask", shapes::run_task,
             typed_use_case<model::decode_run_task, svc::run_task, model::encode_tasks_reply>,
             both(the_cluster, task_definition("taskDefinition"))),
      action("StartTask", shapes::start_task,
             typed_use_case<model::decode_start_task, svc::start_task, model::encode_tasks_reply>,
             both(both(the_cluster, task_definition("taskDefinition")), members(k_instance, "containerInstances"))),
      action("StopTask", shapes::stop_task,
             typed_use_case<model::decode_stop_task, svc::stop_task, model::encode_task_reply>,
             member("task", "task")),
      action("TagResource", shapes::tag_resource,
             typed_use_case<model::decode_tag_resource, svc::tag_resource, model::encode_empty>,
             one_of("resourceArn", tagged_resource_arn)),
      action("UntagResource", shapes::untag_resource,
             typed_use_case<model::decode_untag_resource, svc::untag_resource, model::encode_empty>,
             one_of("resourceArn", tagged_resource_arn)),
      action("UpdateCluster", shapes::update_cluster,
             typed_use_case<model::decode_update_cluster, svc::update_cluster_settings, model::encode_cluster_reply>,
             the_cluster),
      action("UpdateClusterSettings", shapes::update_cluster_settings,
             typed_use_case<model::decode_update_cluster_settings, svc::update_cluster_settings, model::encode_cluster_reply>,
             the_cluster),
      action("UpdateContainerInstancesState", shapes::update_container_instances_state,
             typed_use_case<model::decode_update_container_instances_state, svc::update_container_instances_state, model::encode_container_instances_reply>,
             members(k_instance, "containerInstances")),
      refused("UpdateExpressGatewayService", refused_use_case<k_no_express_gateway>),
      action("UpdateService", shapes::update_service,
             typed_use_case<model::decode_update_service, svc::update_service, model::encode_service_reply>,
             both(member("service", "service"), if_given("taskDefinition", task_definition("taskDefinition")))),
      action("UpdateTaskProtection", shapes::update_task_protection,
             typed_use_case<model::decode_update_task_protection, svc::update_task_protection, model::encode_task_protection_reply>,
             members("task", "tasks")),
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
