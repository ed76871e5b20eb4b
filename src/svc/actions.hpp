// The ECS use cases berth serves, one function per action (api/ecs_actions.cpp names them).
// Thread-safe (state lives in the Store).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/cluster_requests.hpp"
#include "model/container_instance_requests.hpp"
#include "model/service_requests.hpp"
#include "model/tag_requests.hpp"
#include "model/task_definition_requests.hpp"
#include "model/task_protection_requests.hpp"
#include "model/task_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Use cases, grouped by aggregate (svc/<aggregate>.cpp): typed requests in, typed replies out
// (model/<aggregate>_requests.hpp).
Result<model::ClusterReply> create_cluster(Context& ctx, const model::CreateClusterRequest& request);
Result<model::DescribeClustersReply> describe_clusters(Context& ctx, const model::DescribeClustersRequest& request);
Result<model::Page> list_clusters(Context& ctx, const model::ListClustersRequest& request);
Result<model::ClusterReply> delete_cluster(Context& ctx, const model::DeleteClusterRequest& request);
// UpdateClusterSettings and UpdateCluster: the reply shows the settings.
Result<model::ClusterReply> update_cluster_settings(Context& ctx, const model::UpdateClusterSettingsRequest& request);

Result<model::TaskDefinitionReply> register_task_definition(Context& ctx, const model::RegisterRequest& request);
Result<model::TaskDefinitionReply> describe_task_definition(Context& ctx,
                                                            const model::DescribeTaskDefinitionRequest& request);
Result<model::Page> list_task_definitions(Context& ctx, const model::ListTaskDefinitionsRequest& request);
Result<model::Page> list_task_definition_families(Context& ctx,
                                                  const model::ListTaskDefinitionFamiliesRequest& request);
Result<model::TaskDefinitionReply> deregister_task_definition(Context& ctx,
                                                              const model::DeregisterTaskDefinitionRequest& request);
Result<model::DeleteTaskDefinitionsReply> delete_task_definitions(Context& ctx,
                                                                  const model::DeleteTaskDefinitionsRequest& request);

Result<model::EmptyReply> tag_resource(Context& ctx, const model::TagResourceRequest& request);
Result<model::EmptyReply> untag_resource(Context& ctx, const model::UntagResourceRequest& request);
Result<std::vector<model::Tag>> list_tags_for_resource(Context& ctx, const model::ListTagsForResourceRequest& request);

Result<model::ContainerInstanceReply> register_container_instance(
    Context& ctx, const model::RegisterContainerInstanceRequest& request);
// The local agent's registration of its node under its own id: created if missing (ACTIVE, with
// the initial attributes); re-registered, it keeps its status, registration time and the
// attributes operators put. Attributes are listed by name. Returns the instance as stored.
Result<model::ContainerInstance> register_node(Context& ctx, const model::NodeRegistration& node);
Result<model::ContainerInstanceReply> deregister_container_instance(
    Context& ctx, const model::DeregisterContainerInstanceRequest& request);
Result<model::ContainerInstancesReply> describe_container_instances(
    Context& ctx, const model::DescribeContainerInstancesRequest& request);
Result<model::Page> list_container_instances(Context& ctx, const model::ListContainerInstancesRequest& request);
Result<model::ContainerInstancesReply> update_container_instances_state(
    Context& ctx, const model::UpdateContainerInstancesStateRequest& request);
Result<model::AttributesReply> put_attributes(Context& ctx, const model::ChangeAttributesRequest& request);
Result<model::AttributesReply> delete_attributes(Context& ctx, const model::ChangeAttributesRequest& request);
Result<model::AttributesReply> list_attributes(Context& ctx, const model::ListAttributesRequest& request);

Result<model::TasksReply> run_task(Context& ctx, const model::RunTaskRequest& request);
Result<model::TasksReply> start_task(Context& ctx, const model::StartTaskRequest& request);
Result<model::TaskReply> stop_task(Context& ctx, const model::StopTaskRequest& request);
Result<model::TasksReply> describe_tasks(Context& ctx, const model::DescribeTasksRequest& request);
Result<model::Page> list_tasks(Context& ctx, const model::ListTasksRequest& request);
Result<model::TaskProtectionReply> update_task_protection(Context& ctx,
                                                          const model::UpdateTaskProtectionRequest& request);
Result<model::TaskProtectionReply> get_task_protection(Context& ctx, const model::GetTaskProtectionRequest& request);

Result<model::ServiceReply> create_service(Context& ctx, const model::CreateServiceRequest& request);
Result<model::ServiceReply> update_service(Context& ctx, const model::UpdateServiceRequest& request);
Result<model::ServiceReply> delete_service(Context& ctx, const model::DeleteServiceRequest& request);
Result<model::DescribeServicesReply> describe_services(Context& ctx, const model::DescribeServicesRequest& request);
Result<model::Page> list_services(Context& ctx, const model::ListServicesRequest& request);

}  // namespace berth::svc
