// Cloud Map (servicediscovery) use cases: namespaces, services, custom instances and operations
// (svc/service_discovery.cpp), and the instances ECS services register through their
// serviceRegistries, derived from the tasks table when asked for, with DiscoverInstances and the
// DNS answers built on them (svc/service_registrations.cpp). Every change is applied before the
// reply, so each operation is SUCCESS from the start. Thread-safe.
#pragma once

#include <string_view>

#include "model/service_discovery.hpp"
#include "svc/context.hpp"

namespace berth::svc {

inline constexpr std::size_t k_max_sd_namespaces = 100;
inline constexpr std::size_t k_max_sd_services = 1000;
inline constexpr std::size_t k_max_sd_instances = 1000;  // custom ones per service
// At most this many tasks of one ECS service are read for its registrations.
inline constexpr std::size_t k_max_registered_tasks = 1000;

Result<Json> create_private_dns_namespace(Context& ctx, const Json& request);
Result<Json> create_http_namespace(Context& ctx, const Json& request);
Result<Json> get_namespace(Context& ctx, const Json& request);
Result<Json> list_namespaces(Context& ctx, const Json& request);
Result<Json> delete_namespace(Context& ctx, const Json& request);
Result<Json> get_operation(Context& ctx, const Json& request);
Result<Json> create_sd_service(Context& ctx, const Json& request);
Result<Json> get_sd_service(Context& ctx, const Json& request);
Result<Json> list_sd_services(Context& ctx, const Json& request);
Result<Json> delete_sd_service(Context& ctx, const Json& request);

Result<Json> register_instance(Context& ctx, const Json& request);
Result<Json> deregister_instance(Context& ctx, const Json& request);
Result<Json> get_instance(Context& ctx, const Json& request);
Result<Json> list_instances(Context& ctx, const Json& request);
Result<Json> discover_instances(Context& ctx, const Json& request);

// The instances of `service` now: its custom instances, then one per task of an ECS service
// whose serviceRegistries name it, while that task runs, is meant to run, and is HEALTHY if its
// definition has a health check (ECS registers it then and deregisters it when it stops or
// begins stopping), on this gateway or on a joined one that registered its address. Instance id
// = task id; attributes AWS_INSTANCE_IPV4 (where the task's host ports answer: this gateway's
// bridge address for its own tasks, a joined gateway's berth.instance-address for that
// gateway's), AWS_INSTANCE_PORT (the host port of the entry's containerName/containerPort, else
// of the task's first binding), ECS_CLUSTER_NAME, ECS_SERVICE_NAME, ECS_TASK_DEFINITION_FAMILY,
// REGION.
[[nodiscard]] Result<std::vector<model::SdInstance>> current_instances(Context& ctx, const model::SdService& service);

// What DNS answers for `name` (any case, with or without the final dot): `<service>.<namespace>`
// gives the service's instances (A: their addresses, if it has an A record; SRV: their ports and
// targets, if it has an SRV record), `<instance>.<service>.<namespace>` that instance's address;
// other names under a DNS namespace are no_such_name; names outside every namespace not_ours.
// TTL: the service's smallest record TTL, at most model::k_max_discovery_ttl_s.
[[nodiscard]] Result<model::NameAnswer> resolve_discovery_name(Context& ctx, std::string_view name);

}  // namespace berth::svc
