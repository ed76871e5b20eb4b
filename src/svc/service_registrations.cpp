// Cloud Map instances: custom ones (RegisterInstance) and those ECS services register through
// serviceRegistries, read from the tasks table at each question rather than kept in step by a
// hook: an answer follows a task the moment the agent or the scheduler records its change, and
// nothing can be left registered by a crash between a task's change and a registry write.
#include <algorithm>
#include <map>
#include <set>

#include "common/ascii.hpp"
#include "common/ids.hpp"
#include "common/numbers.hpp"
#include "model/container_instance.hpp"
#include "model/paging.hpp"
#include "svc/service_discovery.hpp"
#include "svc/service_discovery_paging.hpp"

namespace berth::svc {
namespace {

Result<model::SdService> require_service(Context& ctx, const std::string& id) {
  BERTH_ASSIGN(auto service, ctx.store.find_sd_service(id));
  if (!service) return fail(Code::service_not_found, "Service " + id + " not found.");
  return std::move(*service);
}

std::optional<int> int_member(const Json& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || !object[name].is_number_integer()) return std::nullopt;
  return object[name].get<int>();
}

// The host port a registry entry names in `task`: its containerName/containerPort binding, else
// the first binding of that container (or of any), else the entry's own port (host networking,
// where the task listens on the instance's ports itself).
std::optional<int> registered_port(const model::Task& task, const Json& registry) {
  const std::string container = registry.value("containerName", "");
  const auto container_port = int_member(registry, "containerPort");
  for (const auto& c : task.containers) {
    if (!container.empty() && c.name != container) continue;
    for (const auto& binding : c.network_bindings) {
      if (container_port && int_member(binding, "containerPort") != container_port) continue;
      if (const auto host_port = int_member(binding, "hostPort")) return host_port;
    }
  }
  if (const auto port = int_member(registry, "port")) return port;
  return container_port;
}

// Whether any essential container of the task's definition has a healthCheck (nothing if the
// definition is gone: the task's own health then decides alone).
Result<bool> has_health_check(Context& ctx, const model::Task& task, std::map<std::string, bool>& known) {
  const std::string key = task.family + ":" + std::to_string(task.revision);
  if (const auto it = known.find(key); it != known.end()) return it->second;
  BERTH_ASSIGN(const auto definition, ctx.store.find_task_definition(task.family, task.revision));
  bool checked = false;
  if (definition) {
    for (const auto& c : definition->body.value("containerDefinitions", Json::array())) {
      if (c.is_object() && c.contains("healthCheck") && c.value("essential", true)) checked = true;
    }
  }
  known[key] = checked;
  return checked;
}

// ECS registers a task once it runs (and, with a health check, is HEALTHY), and deregisters it
// as soon as it is asked to stop.
Result<bool> registrable(Context& ctx, const model::Task& task, std::map<std::string, bool>& checks) {
  if (task.last_status != model::TaskStatus::running || task.desired_status != model::TaskStatus::running) return false;
  const std::string health = model::task_health(task);
  if (health == "UNHEALTHY") return false;
  if (health == "HEALTHY") return true;
  BERTH_ASSIGN(const bool checked, has_health_check(ctx, task, checks));
  return !checked;
}

// Where `task`'s host ports answer: this gateway's bridge address for its own tasks (its
// containers reach them there; "" if it has no bridge), and for a task another gateway of the
// cluster runs, the address that gateway registered (model::k_instance_address_attribute), by
// instance in `known`. Nothing when that gateway registered none: an answer without an address
// would send clients nowhere, so such tasks stay out.
Result<std::optional<std::string>> task_address(Context& ctx, const model::Task& task,
                                                std::map<std::string, std::string>& known) {
  if (task.container_instance_id == ctx.gateway->instance_id()) return std::optional(ctx.instance_address);
  auto it = known.find(task.container_instance_id);
  if (it == known.end()) {
    BERTH_ASSIGN(const auto instance, ctx.store.find_container_instance(task.cluster, task.container_instance_id));
    const std::string address =
        instance ? model::instance_attribute(*instance, model::k_instance_address_attribute) : std::string();
    it = known.emplace(task.container_instance_id, address).first;
  }
  if (it->second.empty()) return std::optional<std::string>();
  return std::optional(it->second);
}

Result<std::vector<model::Task>> service_tasks(Context& ctx, const store::RegisteredService& service) {
  std::vector<model::Task> out;
  store::TaskQuery query;
  query.cluster = service.cluster;
  query.group = "service:" + service.name;
  query.not_stopped = true;
  while (out.size() < k_max_registered_tasks) {
    query.limit = std::min<std::size_t>(100, k_max_registered_tasks - out.size());
    BERTH_ASSIGN(auto page, ctx.store.list_tasks(query));
    const bool full = page.size() == query.limit;
    if (!page.empty()) query.after = page.back().id;
    for (auto& task : page) out.push_back(std::move(task));
    if (!full) break;
  }
  return out;
}

Json instance_json(const model::SdInstance& instance) {
  Json attributes = Json::object();
  for (const auto& [key, value] : instance.attributes) attributes[key] = value;
  return {{"Id", instance.id}, {"Attributes", attributes}};
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// The longest DNS namespace whose name `name` is or ends in ("a.b.local" → "local" or "b.local").
Result<std::optional<model::SdNamespace>> namespace_holding(Context& ctx, const std::string& name) {
  BERTH_ASSIGN(const auto namespaces, ctx.store.list_sd_namespaces());
  std::optional<model::SdNamespace> best;
  for (const auto& [ns, count] : namespaces) {
    if (ns.type == model::SdNamespaceType::http) continue;
    const std::string suffix = lower(ns.name);
    const bool holds = name == suffix || (name.size() > suffix.size() && name.ends_with(suffix) &&
                                          name[name.size() - suffix.size() - 1] == '.');
    if (holds && (!best || suffix.size() > best->name.size())) best = ns;
  }
  return best;
}

std::uint32_t ttl_of(const model::SdService& service) {
  long long ttl = model::k_max_discovery_ttl_s;
  for (const auto& record : service.dns_records) ttl = std::min(ttl, record.ttl);
  return static_cast<std::uint32_t>(std::max(0LL, ttl));
}

bool has_record(const model::SdService& service, std::string_view type) {
  return std::ranges::any_of(service.dns_records, [&](const auto& r) { return r.type == type; });
}

std::string attribute(const model::SdInstance& instance, const std::string& key) {
  const auto it = instance.attributes.find(key);
  return it == instance.attributes.end() ? "" : it->second;
}

}  // namespace

Result<std::vector<model::SdInstance>> current_instances(Context& ctx, const model::SdService& service) {
  BERTH_ASSIGN(auto out, ctx.store.sd_instances(service.id));
  BERTH_ASSIGN(const auto registered, ctx.store.services_registered_in(model::sd_service_arn(ctx.arns, service.id)));
  std::map<std::string, bool> health_checks;
  std::map<std::string, std::string> addresses;  // container instance id → its address
  for (const auto& ecs_service : registered) {
    BERTH_ASSIGN(const auto tasks, service_tasks(ctx, ecs_service));
    for (const auto& task : tasks) {
      BERTH_ASSIGN(const bool listed, registrable(ctx, task, health_checks));
      if (!listed) continue;
      BERTH_ASSIGN(const auto address, task_address(ctx, task, addresses));
      if (!address) continue;
      model::SdInstance instance{task.id, "", {}};
      if (!address->empty()) instance.attributes["AWS_INSTANCE_IPV4"] = *address;
      if (const auto port = registered_port(task, ecs_service.registry)) {
        instance.attributes["AWS_INSTANCE_PORT"] = std::to_string(*port);
      }
      instance.attributes["ECS_CLUSTER_NAME"] = ecs_service.cluster;
      instance.attributes["ECS_SERVICE_NAME"] = ecs_service.name;
      instance.attributes["ECS_TASK_DEFINITION_FAMILY"] = task.family;
      instance.attributes["REGION"] = ctx.arns.region;
      out.push_back(std::move(instance));
    }
  }
  return out;
}

Result<Json> register_instance(Context& ctx, const Json& request) {
  const std::string service_id = request["ServiceId"].get<std::string>();
  model::SdInstance instance{request["InstanceId"].get<std::string>(), request.value("CreatorRequestId", ""), {}};
  if (instance.id.empty() || instance.id.size() > 64) return fail(Code::invalid_parameter, "InstanceId must be 1 to 64 characters.");
  for (const auto& [key, value] : request["Attributes"].items()) instance.attributes[key] = value.get<std::string>();
  if (instance.attributes.size() > 30) return fail(Code::invalid_parameter, "An instance has at most 30 attributes.");
  BERTH_ASSIGN(const auto service, require_service(ctx, service_id));
  if (!service.dns_records.empty()) {
    const std::string ipv4 = attribute(instance, "AWS_INSTANCE_IPV4");
    if (has_record(service, "A") && ipv4.empty()) {
      return fail(Code::invalid_parameter, "The service has an A record: AWS_INSTANCE_IPV4 is required.");
    }
    if (has_record(service, "SRV") && attribute(instance, "AWS_INSTANCE_PORT").empty()) {
      return fail(Code::invalid_parameter, "The service has an SRV record: AWS_INSTANCE_PORT is required.");
    }
  }
  const model::SdOperation operation{random_chars(32, "abcdefghijklmnopqrstuvwxyz0123456789"), "REGISTER_INSTANCE",
                                     {{"SERVICE", service.id}, {"INSTANCE", instance.id}}, ctx.clock.now_ms()};
  BERTH_TRY(ctx.store.put_sd_instance(service.id, instance, operation, k_max_sd_instances));
  return Json{{"OperationId", operation.id}};
}

Result<Json> deregister_instance(Context& ctx, const Json& request) {
  const std::string service_id = request["ServiceId"].get<std::string>();
  const std::string instance_id = request["InstanceId"].get<std::string>();
  BERTH_ASSIGN(const auto service, require_service(ctx, service_id));
  const model::SdOperation operation{random_chars(32, "abcdefghijklmnopqrstuvwxyz0123456789"), "DEREGISTER_INSTANCE",
                                     {{"SERVICE", service.id}, {"INSTANCE", instance_id}}, ctx.clock.now_ms()};
  BERTH_ASSIGN(const bool deleted, ctx.store.delete_sd_instance(service.id, instance_id, operation));
  if (!deleted) {
    return fail(Code::resource_not_found, "Instance " + instance_id + " is not registered with service " + service_id +
                                              " (tasks of ECS services leave it when they stop, not by this call).");
  }
  return Json{{"OperationId", operation.id}};
}

Result<Json> get_instance(Context& ctx, const Json& request) {
  const std::string instance_id = request["InstanceId"].get<std::string>();
  BERTH_ASSIGN(const auto service, require_service(ctx, request["ServiceId"].get<std::string>()));
  BERTH_ASSIGN(const auto instances, current_instances(ctx, service));
  for (const auto& instance : instances) {
    if (instance.id != instance_id) continue;
    Json out = instance_json(instance);
    if (!instance.creator_request_id.empty()) out["CreatorRequestId"] = instance.creator_request_id;
    return Json{{"Instance", out}};
  }
  return fail(Code::resource_not_found, "Instance " + instance_id + " not found.");
}

Result<Json> list_instances(Context& ctx, const Json& request) {
  BERTH_ASSIGN(const auto page, model::read_page_request(request, 100, "instances", "MaxResults", "NextToken"));
  BERTH_ASSIGN(const auto service, require_service(ctx, request["ServiceId"].get<std::string>()));
  BERTH_ASSIGN(auto instances, current_instances(ctx, service));
  std::ranges::sort(instances, {}, &model::SdInstance::id);
  std::vector<std::pair<std::string, Json>> listed;
  for (const auto& instance : instances) listed.emplace_back(instance.id, instance_json(instance));
  return paged_reply("Instances", "instances", listed, page);
}

Result<Json> discover_instances(Context& ctx, const Json& request) {
  const std::string namespace_name = request["NamespaceName"].get<std::string>();
  const std::string service_name = request["ServiceName"].get<std::string>();
  BERTH_ASSIGN(const auto ns, ctx.store.find_sd_namespace(namespace_name));
  if (!ns || lower(ns->name) != lower(namespace_name)) {
    return fail(Code::namespace_not_found, "Namespace " + namespace_name + " not found.");
  }
  BERTH_ASSIGN(const auto service, ctx.store.find_sd_service_named(ns->id, service_name));
  if (!service) return fail(Code::service_not_found, "Service " + service_name + " not found in " + namespace_name + ".");
  BERTH_ASSIGN(const auto instances, current_instances(ctx, *service));
  // Every instance listed is healthy (unhealthy tasks are not registered): UNHEALTHY asks for none.
  const bool unhealthy_only = request.value("HealthStatus", "HEALTHY") == "UNHEALTHY";
  const std::size_t limit = request.value("MaxResults", std::size_t{100});
  const Json query = request.value("QueryParameters", Json::object());
  Json listed = Json::array();
  for (const auto& instance : instances) {
    if (unhealthy_only || listed.size() == limit) break;
    bool matches = true;
    for (const auto& [key, value] : query.items()) matches = matches && attribute(instance, key) == value.get<std::string>();
    if (!matches) continue;
    Json summary = instance_json(instance);
    listed.push_back({{"InstanceId", instance.id},
                      {"NamespaceName", ns->name},
                      {"ServiceName", service->name},
                      {"HealthStatus", "HEALTHY"},
                      {"Attributes", summary["Attributes"]}});
  }
  return Json{{"Instances", listed}};
}

Result<model::NameAnswer> resolve_discovery_name(Context& ctx, std::string_view asked) {
  std::string name = lower(asked);
  if (name.ends_with('.')) name.pop_back();
  model::NameAnswer answer;
  BERTH_ASSIGN(const auto ns, namespace_holding(ctx, name));
  if (!ns) return answer;  // not_ours
  answer.outcome = model::NameAnswer::Outcome::no_such_name;
  if (name.size() == ns->name.size()) {
    answer.outcome = model::NameAnswer::Outcome::found;  // the namespace's apex: it exists, with no A or SRV
    return answer;
  }
  const std::string prefix = name.substr(0, name.size() - ns->name.size() - 1);
  const std::size_t dot = prefix.rfind('.');
  const std::string service_name = dot == std::string::npos ? prefix : prefix.substr(dot + 1);
  const std::string instance_label = dot == std::string::npos ? "" : prefix.substr(0, dot);
  if (instance_label.find('.') != std::string::npos) return answer;
  BERTH_ASSIGN(const auto service, ctx.store.find_sd_service_named(ns->id, service_name));
  if (!service) return answer;
  BERTH_ASSIGN(const auto instances, current_instances(ctx, *service));
  answer.ttl = ttl_of(*service);
  const std::string service_fqdn = service_name + "." + lower(ns->name);
  std::set<std::string> addresses;
  bool instance_found = false;
  for (const auto& instance : instances) {
    const std::string ipv4 = attribute(instance, "AWS_INSTANCE_IPV4");
    if (!instance_label.empty()) {
      if (lower(instance.id) != instance_label) continue;
      instance_found = true;
      if (!ipv4.empty()) addresses.insert(ipv4);
      continue;
    }
    if (has_record(*service, "A") && !ipv4.empty()) addresses.insert(ipv4);
    const auto port = parse_integer_in<int>(attribute(instance, "AWS_INSTANCE_PORT"), 1, 65535);
    if (has_record(*service, "SRV") && port) answer.srv.push_back({*port, lower(instance.id) + "." + service_fqdn, ipv4});
  }
  if (!instance_label.empty() && !instance_found) return answer;
  answer.outcome = model::NameAnswer::Outcome::found;
  answer.ipv4.assign(addresses.begin(), addresses.end());
  return answer;
}

}  // namespace berth::svc
