// The ECS actions berth serves, by name: one use-case function each, taking a shape-checked
// request body and returning the response body. Thread-safe (state lives in the Store).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svc/context.hpp"

namespace berth::svc {

using Action = Result<Json> (*)(Context& ctx, const Json& request);

// Returns the use case for `name` ("CreateCluster", ...), or nullptr if berth has none.
Action find_action(std::string_view name);

// Returns the names of every action find_action knows, sorted (authorization checks each has a
// mapping).
std::vector<std::string> action_names();

// Use cases, grouped by aggregate (svc/<aggregate>.cpp).
Result<Json> create_cluster(Context& ctx, const Json& request);
Result<Json> describe_clusters(Context& ctx, const Json& request);
Result<Json> list_clusters(Context& ctx, const Json& request);
Result<Json> delete_cluster(Context& ctx, const Json& request);

Result<Json> register_task_definition(Context& ctx, const Json& request);
Result<Json> describe_task_definition(Context& ctx, const Json& request);
Result<Json> list_task_definitions(Context& ctx, const Json& request);
Result<Json> list_task_definition_families(Context& ctx, const Json& request);
Result<Json> deregister_task_definition(Context& ctx, const Json& request);
Result<Json> delete_task_definitions(Context& ctx, const Json& request);

Result<Json> tag_resource(Context& ctx, const Json& request);
Result<Json> untag_resource(Context& ctx, const Json& request);
Result<Json> list_tags_for_resource(Context& ctx, const Json& request);

Result<Json> register_container_instance(Context& ctx, const Json& request);
Result<Json> deregister_container_instance(Context& ctx, const Json& request);
Result<Json> describe_container_instances(Context& ctx, const Json& request);
Result<Json> list_container_instances(Context& ctx, const Json& request);
Result<Json> update_container_instances_state(Context& ctx, const Json& request);
Result<Json> put_attributes(Context& ctx, const Json& request);
Result<Json> delete_attributes(Context& ctx, const Json& request);
Result<Json> list_attributes(Context& ctx, const Json& request);

Result<Json> run_task(Context& ctx, const Json& request);
Result<Json> start_task(Context& ctx, const Json& request);
Result<Json> stop_task(Context& ctx, const Json& request);
Result<Json> describe_tasks(Context& ctx, const Json& request);
Result<Json> list_tasks(Context& ctx, const Json& request);

Result<Json> create_service(Context& ctx, const Json& request);
Result<Json> update_service(Context& ctx, const Json& request);
Result<Json> delete_service(Context& ctx, const Json& request);
Result<Json> describe_services(Context& ctx, const Json& request);
Result<Json> list_services(Context& ctx, const Json& request);

}  // namespace berth::svc
