#include "model/service_attachments.hpp"

namespace berth::model {
namespace {

Result<void> check_objects(const Json& list, const char* member) {
  for (const auto& item : list) {
    if (!item.is_object()) return fail(Code::invalid_parameter, std::string(member) + " entries must be objects.");
  }
  return {};
}

Result<void> check_service_connect(const Json& c) {
  if (!c.is_object() || !c.contains("enabled") || !c["enabled"].is_boolean()) {
    return fail(Code::invalid_parameter, "serviceConnectConfiguration.enabled must be given as true or false.");
  }
  if (c.contains("namespace") && !c["namespace"].is_string()) {
    return fail(Code::invalid_parameter, "serviceConnectConfiguration.namespace must be a string.");
  }
  return {};
}

}  // namespace

Result<AttachmentsUpdate> attachments_update_of(const Json& body) {
  AttachmentsUpdate u;
  if (body.contains("loadBalancers")) {
    BERTH_TRY(check_objects(body["loadBalancers"], "loadBalancers"));
    u.load_balancers = body["loadBalancers"];
  }
  if (body.contains("serviceRegistries")) {
    BERTH_TRY(check_objects(body["serviceRegistries"], "serviceRegistries"));
    u.service_registries = body["serviceRegistries"];
  }
  if (body.contains("serviceConnectConfiguration")) {
    BERTH_TRY(check_service_connect(body["serviceConnectConfiguration"]));
    u.service_connect_configuration = body["serviceConnectConfiguration"];
  }
  if (body.contains("volumeConfigurations")) {
    const Json& volumes = body["volumeConfigurations"];
    BERTH_TRY(check_objects(volumes, "volumeConfigurations"));
    for (const auto& v : volumes) {
      if (!v.contains("name") || !v["name"].is_string()) {
        return fail(Code::invalid_parameter, "volumeConfigurations entries need a name.");
      }
    }
    u.volume_configurations = volumes;
  }
  return u;
}

bool apply_attachments(ServiceAttachments& a, const AttachmentsUpdate& u) {
  const ServiceAttachments before = a;
  if (u.load_balancers) a.load_balancers = *u.load_balancers;
  if (u.service_registries) a.service_registries = *u.service_registries;
  if (u.service_connect_configuration) a.service_connect_configuration = *u.service_connect_configuration;
  if (u.volume_configurations) a.volume_configurations = *u.volume_configurations;
  return !(a == before);
}

std::string role_arn_of(const std::string& role, const std::string& account) {
  if (role.starts_with("arn:")) return role;
  return "arn:aws:iam::" + account + ":role/" + (role.starts_with("/") ? role.substr(1) : role);
}

std::string service_connect_namespace(const ServiceAttachments& a, const std::string& cluster_default) {
  const Json& c = a.service_connect_configuration;
  if (!c.is_object() || !c.value("enabled", false)) return "";
  const std::string own = c.value("namespace", "");
  return own.empty() ? cluster_default : own;
}

}  // namespace berth::model
