#include "api/ecs_actions.hpp"

#include <algorithm>
#include <array>

#include "model/request_shapes.hpp"
#include "svc/actions.hpp"

namespace berth::api {
namespace {

namespace shapes = model::request_shapes;

// A typed action's use case is typed_use_case<decoder, handler, encoder>. Tasks and services
// keep JSON use cases for now, passed through as they are: their decoder is the shape check
// alone, their handler reads the body and writes the reply.
constexpr EcsAction action(std::string_view name, const model::Shape& shape, UseCase use_case) {
  return EcsAction{name, &shape, use_case};
}

// Sorted by name (find_ecs_action searches it).
const std::array k_actions = {
    action("CreateCluster", shapes::create_cluster,
           typed_use_case<model::decode_create_cluster, svc::create_cluster, model::encode_cluster_reply>),
    action("CreateService", shapes::create_service, svc::create_service),
    action("DeleteAttributes", shapes::delete_attributes,
           typed_use_case<model::decode_delete_attributes, svc::delete_attributes, model::encode_attributes_reply>),
    action("DeleteCluster", shapes::delete_cluster,
           typed_use_case<model::decode_delete_cluster, svc::delete_cluster, model::encode_cluster_reply>),
    action("DeleteService", shapes::delete_service, svc::delete_service),
    action("DeleteTaskDefinitions", shapes::delete_task_definitions,
           typed_use_case<model::decode_delete_task_definitions, svc::delete_task_definitions, model::encode_delete_task_definitions>),
    action("DeregisterContainerInstance", shapes::deregister_container_instance,
           typed_use_case<model::decode_deregister_container_instance, svc::deregister_container_instance, model::encode_container_instance_reply>),
    action("DeregisterTaskDefinition", shapes::deregister_task_definition,
           typed_use_case<model::decode_deregister_task_definition, svc::deregister_task_definition, model::encode_task_definition_reply>),
    action("DescribeClusters", shapes::describe_clusters,
           typed_use_case<model::decode_describe_clusters, svc::describe_clusters, model::encode_describe_clusters>),
    action("DescribeContainerInstances", shapes::describe_container_instances,
           typed_use_case<model::decode_describe_container_instances, svc::describe_container_instances, model::encode_container_instances_reply>),
    action("DescribeServices", shapes::describe_services, svc::describe_services),
    action("DescribeTaskDefinition", shapes::describe_task_definition,
           typed_use_case<model::decode_describe_task_definition, svc::describe_task_definition, model::encode_task_definition_reply>),
    action("DescribeTasks", shapes::describe_tasks, svc::describe_tasks),
    action("ListAttributes", shapes::list_attributes,
           typed_use_case<model::decode_list_attributes, svc::list_attributes, model::encode_attributes_reply>),
    action("ListClusters", shapes::list_clusters,
           typed_use_case<model::decode_list_clusters, svc::list_clusters, model::encode_list_clusters>),
    action("ListContainerInstances", shapes::list_container_instances,
           typed_use_case<model::decode_list_container_instances, svc::list_container_instances, model::encode_list_container_instances>),
    action("ListServices", shapes::list_services, svc::list_services),
    action("ListTagsForResource", shapes::list_tags_for_resource,
           typed_use_case<model::decode_list_tags_for_resource, svc::list_tags_for_resource, model::encode_list_tags_for_resource>),
    action("ListTaskDefinitionFamilies", shapes::list_task_definition_families,
           typed_use_case<model::decode_list_task_definition_families, svc::list_task_definition_families, model::encode_list_task_definition_families>),
    action("ListTaskDefinitions", shapes::list_task_definitions,
           typed_use_case<model::decode_list_task_definitions, svc::list_task_definitions, model::encode_list_task_definitions>),
    action("ListTasks", shapes::list_tasks, svc::list_tasks),
    action("PutAttributes", shapes::put_attributes,
           typed_use_case<model::decode_put_attributes, svc::put_attributes, model::encode_attributes_reply>),
    action("RegisterContainerInstance", shapes::register_container_instance,
           typed_use_case<model::decode_register_container_instance, svc::register_container_instance, model::encode_container_instance_reply>),
    action("RegisterTaskDefinition", shapes::register_task_definition,
           typed_use_case<model::decode_register_task_definition, svc::register_task_definition, model::encode_task_definition_reply>),
    action("RunTask", shapes::run_task, svc::run_task),
    action("StartTask", shapes::start_task, svc::start_task),
    action("StopTask", shapes::stop_task, svc::stop_task),
    action("TagResource", shapes::tag_resource,
           typed_use_case<model::decode_tag_resource, svc::tag_resource, model::encode_empty>),
    action("UntagResource", shapes::untag_resource,
           typed_use_case<model::decode_untag_resource, svc::untag_resource, model::encode_empty>),
    action("UpdateContainerInstancesState", shapes::update_container_instances_state,
           typed_use_case<model::decode_update_container_instances_state, svc::update_container_instances_state, model::encode_container_instances_reply>),
    action("UpdateService", shapes::update_service, svc::update_service),
};

}  // namespace

std::span<const EcsAction> ecs_actions() { return k_actions; }

const EcsAction* find_ecs_action(std::string_view name) {
  const auto it = std::lower_bound(k_actions.begin(), k_actions.end(), name,
                                   [](const EcsAction& action, std::string_view wanted) { return action.name < wanted; });
  return it != k_actions.end() && it->name == name ? &*it : nullptr;
}

}  // namespace berth::api
