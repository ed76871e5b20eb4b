// Cloud Map namespaces, services and operations. Instances: svc/service_registrations.cpp.
#include "svc/service_discovery.hpp"

#include <algorithm>

#include "common/ids.hpp"
#include "model/paging.hpp"
#include "svc/service_discovery_paging.hpp"

namespace berth::svc {
namespace {

constexpr std::string_view k_id_chars = "abcdefghijklmnopqrstuvwxyz0123456789";

std::unexpected<Error> namespace_not_found(const std::string& id) {
  return fail(Code::namespace_not_found, "Namespace " + id + " not found.");
}

std::unexpected<Error> service_not_found(const std::string& id) {
  return fail(Code::service_not_found, "Service " + id + " not found.");
}

// One filter of a List* request: the values its condition compares against.
struct Filter {
  std::string name;
  std::vector<std::string> values;
  std::string condition;  // EQ (default), IN, BEGINS_WITH
};

Result<std::vector<Filter>> filters_of(const Json& request, std::initializer_list<std::string_view> known) {
  std::vector<Filter> out;
  for (const auto& f : request.value("Filters", Json::array())) {
    Filter filter{f["Name"].get<std::string>(), strings_of(f["Values"]), f.value("Condition", "EQ")};
    if (std::ranges::find(known, filter.name) == known.end()) {
      return fail(Code::invalid_parameter, "berth does not filter by " + filter.name + ".");
    }
    if (filter.condition == "BETWEEN" || filter.values.empty() ||
        (filter.condition != "IN" && filter.values.size() != 1)) {
      return fail(Code::invalid_parameter, "The filter on " + filter.name + " takes one value with EQ or BEGINS_WITH, "
                                           "one or more with IN.");
    }
    out.push_back(std::move(filter));
  }
  return out;
}

bool passes(const Filter& filter, const std::string& value) {
  if (filter.condition == "BEGINS_WITH") return value.starts_with(filter.values.front());
  return std::ranges::find(filter.values, value) != filter.values.end();
}

model::SdOperation new_operation(Context& ctx, std::string type, std::map<std::string, std::string> targets) {
  return {random_chars(32, k_id_chars), std::move(type), std::move(targets), ctx.clock.now_ms()};
}

Result<Json> create_namespace(Context& ctx, const Json& request, model::SdNamespaceType type) {
  model::SdNamespace ns;
  ns.type = type;
  if (type == model::SdNamespaceType::http) {
    ns.name = request["Name"].get<std::string>();
    if (ns.name.empty() || ns.name.size() > 1024) return fail(Code::invalid_parameter, "Name must be 1 to 1024 characters.");
  } else {
    BERTH_ASSIGN(ns.name, model::checked_dns_name(request["Name"].get<std::string>(), "Name"));
    ns.vpc = request.value("Vpc", "");
    if (const Json* soa = request.contains("Properties") ? &request["Properties"]["DnsProperties"]["SOA"] : nullptr) {
      ns.soa_ttl = (*soa)["TTL"].get<long long>();
    }
  }
  ns.description = request.value("Description", "");
  ns.creator_request_id = request.value("CreatorRequestId", "");
  // A retry of the same request (same CreatorRequestId) answers with the first operation.
  BERTH_ASSIGN(const auto existing, ctx.store.find_sd_namespace(ns.name));
  if (existing && existing->name == ns.name && !ns.creator_request_id.empty() &&
      existing->creator_request_id == ns.creator_request_id) {
    return Json{{"OperationId", existing->operation_id}};
  }
  ns.id = "ns-" + random_chars(16, k_id_chars);
  ns.created_at = ctx.clock.now_ms();
  const auto operation = new_operation(ctx, "CREATE_NAMESPACE", {{"NAMESPACE", ns.id}});
  ns.operation_id = operation.id;
  BERTH_TRY(ctx.store.create_sd_namespace(ns, operation, k_max_sd_namespaces));
  return Json{{"OperationId", operation.id}};
}

Result<model::SdNamespace> require_namespace(Context& ctx, const std::string& id) {
  BERTH_ASSIGN(auto ns, ctx.store.find_sd_namespace(id));
  if (!ns || ns->id != id) return namespace_not_found(id);
  return std::move(*ns);
}

// The DNS records of a CreateService request for a service of `ns`.
Result<std::vector<model::SdDnsRecord>> dns_records_of(const Json& request, const model::SdNamespace& ns) {
  std::vector<model::SdDnsRecord> out;
  if (!request.contains("DnsConfig")) {
    if (ns.type != model::SdNamespaceType::http) {
      return fail(Code::invalid_parameter, "A service of a DNS namespace needs a DnsConfig with its records.");
    }
    return out;
  }
  if (ns.type == model::SdNamespaceType::http) {
    return fail(Code::invalid_parameter, "A service of an HTTP namespace takes no DnsConfig.");
  }
  const Json& config = request["DnsConfig"];
  if (config.value("RoutingPolicy", "MULTIVALUE") != "MULTIVALUE") {
    return fail(Code::invalid_parameter, "berth answers every healthy instance: RoutingPolicy must be MULTIVALUE.");
  }
  for (const auto& record : config["DnsRecords"]) {
    const std::string type = record["Type"].get<std::string>();
    const long long ttl = record["TTL"].get<long long>();
    if (type != "A" && type != "SRV") {
      return fail(Code::invalid_parameter, "berth serves A and SRV records, not " + type + ".");
    }
    if (ttl < 0 || ttl > 2147483647) return fail(Code::invalid_parameter, "TTL must be 0 to 2147483647 seconds.");
    if (std::ranges::any_of(out, [&](const auto& r) { return r.type == type; })) {
      return fail(Code::invalid_parameter, "DnsRecords lists " + type + " twice.");
    }
    out.push_back({type, ttl});
  }
  if (out.empty()) return fail(Code::invalid_parameter, "DnsRecords must list at least one record.");
  return out;
}

}  // namespace

Result<Json> create_private_dns_namespace(Context& ctx, const Json& request) {
  return create_namespace(ctx, request, model::SdNamespaceType::dns_private);
}

Result<Json> create_http_namespace(Context& ctx, const Json& request) {
  return create_namespace(ctx, request, model::SdNamespaceType::http);
}

Result<Json> get_namespace(Context& ctx, const Json& request) {
  BERTH_ASSIGN(const auto ns, require_namespace(ctx, request["Id"].get<std::string>()));
  BERTH_ASSIGN(const auto services, ctx.store.list_sd_services(ns.id));
  return Json{{"Namespace", model::namespace_to_json(ns, ctx.arns, services.size())}};
}

Result<Json> list_namespaces(Context& ctx, const Json& request) {
  BERTH_ASSIGN(const auto page, model::read_page_request(request, 100, "namespaces", "MaxResults", "NextToken"));
  BERTH_ASSIGN(const auto filters, filters_of(request, {"TYPE", "NAME", "HTTP_NAME"}));
  BERTH_ASSIGN(const auto all, ctx.store.list_sd_namespaces());
  std::vector<std::pair<std::string, Json>> listed;
  for (const auto& [ns, count] : all) {
    const bool kept = std::ranges::all_of(filters, [&](const Filter& f) {
      return passes(f, f.name == "TYPE" ? std::string(model::to_string(ns.type)) : ns.name);
    });
    if (kept) listed.emplace_back(ns.id, model::namespace_to_json(ns, ctx.arns, count));
  }
  return paged_reply("Namespaces", "namespaces", listed, page);
}

Result<Json> delete_namespace(Context& ctx, const Json& request) {
  const std::string id = request["Id"].get<std::string>();
  const auto operation = new_operation(ctx, "DELETE_NAMESPACE", {{"NAMESPACE", id}});
  BERTH_ASSIGN(const bool deleted, ctx.store.delete_sd_namespace(id, operation));
  if (!deleted) return namespace_not_found(id);
  return Json{{"OperationId", operation.id}};
}

Result<Json> get_operation(Context& ctx, const Json& request) {
  const std::string id = request["OperationId"].get<std::string>();
  BERTH_ASSIGN(const auto operation, ctx.store.find_sd_operation(id));
  if (!operation) return fail(Code::resource_not_found, "Operation " + id + " not found.");
  return Json{{"Operation", model::operation_to_json(*operation)}};
}

Result<Json> create_sd_service(Context& ctx, const Json& request) {
  std::string namespace_id = request.value("NamespaceId", "");
  if (namespace_id.empty() && request.contains("DnsConfig")) namespace_id = request["DnsConfig"].value("NamespaceId", "");
  if (namespace_id.empty()) return fail(Code::invalid_parameter, "CreateService needs a NamespaceId.");
  if (request.contains("HealthCheckConfig")) {
    return fail(Code::invalid_parameter, "berth has no Route 53 health checks: use HealthCheckCustomConfig, or none "
                                         "(ECS services' tasks count their own health).");
  }
  BERTH_ASSIGN(const auto ns, require_namespace(ctx, namespace_id));
  model::SdService service;
  service.name = request["Name"].get<std::string>();
  if (ns.type == model::SdNamespaceType::http) {
    if (service.name.empty() || service.name.size() > 127) return fail(Code::invalid_parameter, "Name must be 1 to 127 characters.");
  } else {
    BERTH_TRY(model::check_dns_label(service.name, "Name"));
  }
  BERTH_ASSIGN(service.dns_records, dns_records_of(request, ns));
  service.id = "srv-" + random_chars(16, k_id_chars);
  service.namespace_id = ns.id;
  service.description = request.value("Description", "");
  service.creator_request_id = request.value("CreatorRequestId", "");
  service.health_check_custom_config = request.value("HealthCheckCustomConfig", Json());
  service.created_at = ctx.clock.now_ms();
  BERTH_TRY(ctx.store.create_sd_service(service, k_max_sd_services));
  return Json{{"Service", model::sd_service_to_json(service, ctx.arns, 0)}};
}

Result<Json> get_sd_service(Context& ctx, const Json& request) {
  const std::string id = request["Id"].get<std::string>();
  BERTH_ASSIGN(const auto service, ctx.store.find_sd_service(id));
  if (!service) return service_not_found(id);
  BERTH_ASSIGN(const auto instances, current_instances(ctx, *service));
  return Json{{"Service", model::sd_service_to_json(*service, ctx.arns, instances.size())}};
}

Result<Json> list_sd_services(Context& ctx, const Json& request) {
  BERTH_ASSIGN(const auto page, model::read_page_request(request, 100, "services", "MaxResults", "NextToken"));
  BERTH_ASSIGN(const auto filters, filters_of(request, {"NAMESPACE_ID"}));
  BERTH_ASSIGN(const auto all, ctx.store.list_sd_services(std::nullopt));
  std::vector<std::pair<std::string, Json>> listed;
  for (const auto& [service, count] : all) {
    if (!std::ranges::all_of(filters, [&](const Filter& f) { return passes(f, service.namespace_id); })) continue;
    Json summary = model::sd_service_to_json(service, ctx.arns, count);
    summary.erase("NamespaceId");  // a ServiceSummary has none
    summary.erase("CreatorRequestId");
    listed.emplace_back(service.id, std::move(summary));
  }
  return paged_reply("Services", "services", listed, page);
}

Result<Json> delete_sd_service(Context& ctx, const Json& request) {
  const std::string id = request["Id"].get<std::string>();
  BERTH_ASSIGN(const auto service, ctx.store.find_sd_service(id));
  if (!service) return service_not_found(id);
  BERTH_ASSIGN(const auto instances, current_instances(ctx, *service));
  if (!instances.empty()) {
    return fail(Code::resource_in_use, "The service " + id + " has " + std::to_string(instances.size()) +
                                           " registered instances (custom ones, or tasks of ECS services that "
                                           "name it in serviceRegistries).");
  }
  BERTH_ASSIGN(const bool deleted, ctx.store.delete_sd_service(id));
  if (!deleted) return service_not_found(id);
  return Json::object();
}

}  // namespace berth::svc
