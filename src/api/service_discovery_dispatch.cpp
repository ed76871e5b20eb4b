#include "api/service_discovery_dispatch.hpp"

#include <map>
#include <string>

#include "model/service_discovery_shapes.hpp"
#include "svc/service_discovery.hpp"

namespace berth::api {

namespace {

// What a generic "exists" or "not found" is called depends on what the action is about.
enum class Subject { any, namespace_, service, instance, operation };

template <Subject subject>
Reply cloud_map_error(const Error& error) {
  static const std::map<Code, std::string_view> k_names = {
      {Code::invalid_parameter, "InvalidInput"},        {Code::serialization, "InvalidInput"},
      {Code::validation, "InvalidInput"},               {Code::namespace_not_found, "NamespaceNotFound"},
      {Code::service_not_found, "ServiceNotFound"},     {Code::resource_in_use, "ResourceInUse"},
      {Code::limit_exceeded, "ResourceLimitExceeded"},
  };
  std::string_view name;
  if (const auto it = k_names.find(error.code); it != k_names.end()) name = it->second;
  if (error.code == Code::resource_exists) {
    if (subject == Subject::namespace_) name = "NamespaceAlreadyExists";
    if (subject == Subject::service) name = "ServiceAlreadyExists";
  }
  if (error.code == Code::resource_not_found) {
    if (subject == Subject::instance) name = "InstanceNotFound";
    if (subject == Subject::operation) name = "OperationNotFound";
  }
  Reply reply = error_reply(error);
  if (name.empty()) return reply;
  const std::string type(name);
  return Reply{reply.status, to_wire({{"__type", type}, {"message", error.message}}), type};
}

struct Action {
  UseCase use_case;
  Reply (*to_error)(const Error&);
};

}  // namespace

Reply service_discovery_error(const Error& error) { return cloud_map_error<Subject::any>(error); }

Decoded decode_service_discovery_request(std::string_view target, std::string_view body) {
  constexpr auto about_namespace = cloud_map_error<Subject::namespace_>;
  constexpr auto about_service = cloud_map_error<Subject::service>;
  constexpr auto about_instance = cloud_map_error<Subject::instance>;
  static const std::map<std::string, Action, std::less<>> k_use_cases = {
      {"CreatePrivateDnsNamespace", {svc::create_private_dns_namespace, about_namespace}},
      {"CreateHttpNamespace", {svc::create_http_namespace, about_namespace}},
      {"GetNamespace", {svc::get_namespace, about_namespace}},
      {"ListNamespaces", {svc::list_namespaces, about_namespace}},
      {"DeleteNamespace", {svc::delete_namespace, about_namespace}},
      {"GetOperation", {svc::get_operation, cloud_map_error<Subject::operation>}},
      {"CreateService", {svc::create_sd_service, about_service}},
      {"GetService", {svc::get_sd_service, about_service}},
      {"ListServices", {svc::list_sd_services, about_service}},
      {"DeleteService", {svc::delete_sd_service, about_service}},
      {"RegisterInstance", {svc::register_instance, about_instance}},
      {"DeregisterInstance", {svc::deregister_instance, about_instance}},
      {"GetInstance", {svc::get_instance, about_instance}},
      {"ListInstances", {svc::list_instances, about_instance}},
      {"DiscoverInstances", {svc::discover_instances, about_instance}},
  };
  const std::string_view action = target.substr(k_service_discovery_target_prefix.size());
  const model::Shape* shape = model::find_service_discovery_request_shape(action);
  const auto use_case = k_use_cases.find(action);
  if (!shape || use_case == k_use_cases.end()) {
    return std::unexpected(service_discovery_error(
        {Code::unknown_operation, "berth does not support the operation '" + std::string(action) + "'"}));
  }
  auto request = model::decode_request_body(body, *shape);
  if (!request) return std::unexpected(use_case->second.to_error(request.error()));
  return DecodedCall{std::string(action), use_case->second.use_case, std::move(*request), use_case->second.to_error};
}

}  // namespace berth::api
