// The request shape of every ECS action berth serves, from the ECS API model. Immutable tables;
// thread-safe.
#pragma once

#include "model/schema.hpp"

namespace berth::model {

// The request body shape of each ECS action berth serves, named after the action
// (request_shapes::run_task is RunTask's). api/ecs_actions.cpp pairs each with its action.
namespace request_shapes {
extern const Shape& create_cluster;
extern const Shape& describe_clusters;
extern const Shape& list_clusters;
extern const Shape& delete_cluster;
extern const Shape& update_cluster;
extern const Shape& update_cluster_settings;
extern const Shape& register_task_definition;
extern const Shape& describe_task_definition;
extern const Shape& list_task_definitions;
extern const Shape& list_task_definition_families;
extern const Shape& deregister_task_definition;
extern const Shape& delete_task_definitions;
extern const Shape& tag_resource;
extern const Shape& untag_resource;
extern const Shape& list_tags_for_resource;
extern const Shape& register_container_instance;
extern const Shape& deregister_container_instance;
extern const Shape& list_container_instances;
extern const Shape& describe_container_instances;
extern const Shape& update_container_instances_state;
extern const Shape& put_attributes;
extern const Shape& delete_attributes;
extern const Shape& list_attributes;
extern const Shape& run_task;
extern const Shape& start_task;
extern const Shape& stop_task;
extern const Shape& describe_tasks;
extern const Shape& list_tasks;
extern const Shape& update_task_protection;
extern const Shape& get_task_protection;
extern const Shape& create_service;
extern const Shape& update_service;
extern const Shape& delete_service;
extern const Shape& describe_services;
extern const Shape& list_services;
}  // namespace request_shapes


// The TaskDefinition's container definition shape (also used by overrides and tests).
const Shape& container_definition_shape();

}  // namespace berth::model
