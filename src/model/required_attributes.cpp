#include "model/required_attributes.hpp"

#include <array>
#include <optional>
#include <string_view>

#include "model/container_instance_requests.hpp"
#include "model/ephemeral_storage.hpp"

namespace berth::model {
namespace {

// One rule: the attribute a definition needs because of one field, or nothing. A new rule is one
// more line in k_rules.
using Rule = std::optional<RequiredAttribute> (*)(const Json& definition);

const Json* member(const Json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(std::string(name));
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> runtime_platform_string(const Json& definition, std::string_view name) {
  const Json* platform = member(definition, "runtimePlatform");
  const Json* value = platform ? member(*platform, name) : nullptr;
  if (!value || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<RequiredAttribute> cpu_architecture(const Json& definition) {
  const auto architecture = runtime_platform_string(definition, "cpuArchitecture");
  if (architecture == "X86_64") return RequiredAttribute{"ecs.cpu-architecture", "x86_64"};
  if (architecture == "ARM64") return RequiredAttribute{"ecs.cpu-architecture", "arm64"};
  return std::nullopt;
}

std::optional<RequiredAttribute> os_family(const Json& definition) {
  if (runtime_platform_string(definition, "operatingSystemFamily") != "LINUX") return std::nullopt;
  return RequiredAttribute{"ecs.os-family", "LINUX"};
}

std::optional<RequiredAttribute> memory_swappiness(const Json& definition) {
  const Json* containers = member(definition, "containerDefinitions");
  if (!containers || !containers->is_array()) return std::nullopt;
  for (const auto& c : *containers) {
    const Json* linux_parameters = member(c, "linuxParameters");
    if (linux_parameters && member(*linux_parameters, "swappiness")) {
      return RequiredAttribute{k_swappiness_capability, std::nullopt};
    }
  }
  return std::nullopt;
}

// A writable-layer limit needs project quotas on the agent's data dir. A RunTask override that
// adds one is not seen here: the runtime refuses that task at start where the quotas are missing.
std::optional<RequiredAttribute> ephemeral_storage(const Json& definition) {
  if (!member(definition, "ephemeralStorage")) return std::nullopt;
  return RequiredAttribute{k_ephemeral_storage_attribute, std::nullopt};
}

constexpr std::array<Rule, 4> k_rules = {cpu_architecture, os_family, memory_swappiness, ephemeral_storage};

}  // namespace

std::vector<RequiredAttribute> required_attributes(const Json& definition) {
  std::vector<RequiredAttribute> out;
  for (const Rule rule : k_rules) {
    if (auto attribute = rule(definition)) out.push_back(std::move(*attribute));
  }
  return out;
}

Json required_attributes_to_json(const std::vector<RequiredAttribute>& attributes) {
  std::vector<Attribute> list;
  for (const auto& a : attributes) list.push_back({a.name, a.value, std::nullopt});
  return attributes_to_json(list);
}

}  // namespace berth::model
