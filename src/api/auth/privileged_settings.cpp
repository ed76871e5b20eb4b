#include "api/auth/privileged_settings.hpp"

#include "model/environment_file_sources.hpp"
#include "model/sysctls.hpp"

namespace berth::api::auth {
namespace {

using model::Json;

// `value` as a list (nothing for another type): the request may not have been shape-checked.
const Json& list_of(const Json& object, const char* key) {
  static const Json k_empty = Json::array();
  if (!object.is_object()) return k_empty;
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : k_empty;
}

std::string string_of(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& object_of(const Json& object, const char* key) {
  static const Json k_empty = Json::object();
  if (!object.is_object()) return k_empty;
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : k_empty;
}

bool lifts_confinement(const std::string& option) {
  return option.ends_with("unconfined") || option == "label:disable" || option == "label=disable";
}

void check_container(const Json& container, std::size_t index, bool host_network, bool host_ipc,
                     std::vector<std::string>& reasons) {
  const std::string where = "containerDefinitions[" + std::to_string(index) + "] (" + string_of(container, "name") + "): ";
  if (container.is_object() && container.value("privileged", Json(false)) == Json(true)) {
    reasons.push_back(where + "privileged: true");
  }
  const Json& linux_parameters = object_of(container, "linuxParameters");
  for (const Json& device : list_of(linux_parameters, "devices")) {
    reasons.push_back(where + "linuxParameters.devices " + string_of(device, "hostPath"));
  }
  for (const Json& capability : list_of(object_of(linux_parameters, "capabilities"), "add")) {
    reasons.push_back(where + "linuxParameters.capabilities.add " + (capability.is_string() ? capability.get<std::string>() : ""));
  }
  for (const Json& option : list_of(container, "dockerSecurityOptions")) {
    if (option.is_string() && lifts_confinement(option.get<std::string>())) {
      reasons.push_back(where + "dockerSecurityOptions " + option.get<std::string>());
    }
  }
  // berth reads a local environment file as root, so naming one reads a host file.
  for (const Json& file : list_of(container, "environmentFiles")) {
    const std::string value = string_of(file, "value");
    if (model::environment_file_source(value) == model::EnvironmentFileSource::local_file) {
      reasons.push_back(where + "environmentFiles " + value + " (a file on the instance)");
    }
  }
  for (const Json& control : list_of(container, "systemControls")) {
    const std::string sysctl = string_of(control, "namespace");
    if (!model::is_namespaced_sysctl(sysctl, host_network, host_ipc)) {
      reasons.push_back(where + "systemControls " + sysctl + " (not namespaced: it would set the host's)");
    }
  }
}

}  // namespace

std::vector<std::string> needs_privileged_action(const Json& register_request) {
  std::vector<std::string> reasons;
  bool host_network = false, host_ipc = false;
  for (const char* mode : {"networkMode", "pidMode", "ipcMode"}) {
    if (string_of(register_request, mode) != "host") continue;
    reasons.push_back(std::string(mode) + ": host");
    host_network = host_network || std::string_view(mode) == "networkMode";
    host_ipc = host_ipc || std::string_view(mode) == "ipcMode";
  }
  const Json& volumes = list_of(register_request, "volumes");
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    const std::string where = "volumes[" + std::to_string(i) + "] (" + string_of(volumes[i], "name") + "): ";
    const Json& host = object_of(volumes[i], "host");
    if (host.contains("sourcePath")) reasons.push_back(where + "host.sourcePath " + string_of(host, "sourcePath"));
    const Json& driver_options = object_of(object_of(volumes[i], "dockerVolumeConfiguration"), "driverOpts");
    if (driver_options.contains("device")) {
      reasons.push_back(where + "dockerVolumeConfiguration.driverOpts.device " + string_of(driver_options, "device"));
    }
  }
  const Json& containers = list_of(register_request, "containerDefinitions");
  for (std::size_t i = 0; i < containers.size(); ++i) check_container(containers[i], i, host_network, host_ipc, reasons);
  return reasons;
}

}  // namespace berth::api::auth
