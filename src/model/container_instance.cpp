#include "model/container_instance.hpp"

namespace berth::model {

bool agent_connected(const ContainerInstance& instance) {
  if (instance.status == InstanceStatus::inactive) return false;
  const auto it = instance.body.find("agentConnected");
  return it == instance.body.end() || !it->is_boolean() || it->get<bool>();
}

bool set_agent_connected(ContainerInstance& instance, bool connected) {
  const bool was = instance.body.contains("agentConnected") ? instance.body["agentConnected"] != false : true;
  if (was == connected) return false;
  // Only the lost state is written: a connected instance's row stays as it always was.
  if (connected) {
    instance.body.erase("agentConnected");
  } else {
    instance.body["agentConnected"] = false;
  }
  return true;
}

std::string instance_attribute(const ContainerInstance& instance, std::string_view name) {
  const auto it = instance.body.find("attributes");
  if (it == instance.body.end() || !it->is_array()) return "";
  for (const auto& a : *it) {
    if (!a.is_object() || a.value("name", "") != name) continue;
    const auto value = a.find("value");
    return value != a.end() && value->is_string() ? value->get<std::string>() : "";
  }
  return "";
}

Json container_instance_to_json(const ContainerInstance& instance, const InstanceUsage& usage,
                                const ArnScope& arns, const std::vector<Tag>* tags) {
  Json out = instance.body;
  out["containerInstanceArn"] = arns.container_instance(instance.cluster, instance.id);
  out["status"] = std::string(to_wire(instance.status));
  out["agentConnected"] = agent_connected(instance);
  out["runningTasksCount"] = usage.running_tasks;
  out["pendingTasksCount"] = usage.pending_tasks;
  out["registeredAt"] = epoch_seconds(instance.registered_at);
  if (!out.contains("registeredResources")) out["registeredResources"] = Json::array();
  // Until tasks hold resources (the agent's issue), everything registered remains.
  if (!out.contains("remainingResources")) out["remainingResources"] = out["registeredResources"];
  if (!out.contains("attributes")) out["attributes"] = Json::array();
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

}  // namespace berth::model

namespace berth::model {
namespace {

bool is_attribute_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '/' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<Json> normalize_attributes(const Json& attributes) {
  Json out = Json::array();
  std::size_t custom = 0;
  for (const auto& a : attributes) {
    const std::string name = a["name"];
    if (!is_attribute_name(name)) {
      return fail(Code::invalid_parameter, "Attribute name '" + name +
                                               "' must be 1-128 characters of letters, numbers, "
                                               "hyphens, underscores, slashes and periods.");
    }
    if (a.contains("value")) {
      const std::string value = a["value"];
      if (value.empty() || value.size() > 128 || value.front() == ' ' || value.back() == ' ') {
        return fail(Code::invalid_parameter, "The value of attribute '" + name +
                                                 "' must be 1-128 characters without leading "
                                                 "or trailing whitespace.");
      }
    }
    if (!name.starts_with("ecs.") && ++custom > 10) {
      return fail(Code::attribute_limit_exceeded, "A container instance can have at most 10 custom attributes.");
    }
    Json item{{"name", name}};
    if (a.contains("value")) item["value"] = a["value"];
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace berth::model
