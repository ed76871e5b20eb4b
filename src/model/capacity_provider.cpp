#include "model/capacity_provider.hpp"

#include "common/ascii.hpp"
#include "model/names.hpp"

namespace berth::model {
namespace {

bool starts_with_any_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

// An Auto Scaling group ARN (arn:<partition>:autoscaling:...:autoScalingGroupName/<name>) or an
// Auto Scaling group name, as ECS accepts either.
bool is_auto_scaling_group(std::string_view text) {
  if (text.empty() || text.size() > 1600) return false;
  if (!text.starts_with("arn:")) return text.size() <= 255;
  return text.find(":autoscaling:") != std::string_view::npos &&
         text.find(":autoScalingGroupName/") != std::string_view::npos;
}

Result<void> check_managed_settings(const Json& provider) {
  const Json& scaling = provider["managedScaling"];
  if (scaling["minimumScalingStepSize"].get<int>() > scaling["maximumScalingStepSize"].get<int>()) {
    return fail(Code::client, "The managed scaling minimumScalingStepSize must be less than or equal to its "
                              "maximumScalingStepSize.");
  }
  if (provider["managedTerminationProtection"] == "ENABLED" && scaling["status"] != "ENABLED") {
    return fail(Code::client, "Managed termination protection requires managed scaling to be enabled.");
  }
  return {};
}

Json with_managed_scaling(Json scaling) {
  const Json defaults{{"status", "DISABLED"},
                      {"targetCapacity", 100},
                      {"minimumScalingStepSize", 1},
                      {"maximumScalingStepSize", 10000},
                      {"instanceWarmupPeriod", 300}};
  for (const auto& [key, value] : defaults.items()) {
    if (!scaling.contains(key)) scaling[key] = value;
  }
  return scaling;
}

}  // namespace

bool is_fargate_provider(std::string_view name) { return name == "FARGATE" || name == "FARGATE_SPOT"; }

Result<void> check_capacity_provider_name(std::string_view name) {
  if (!is_valid_name(name)) {
    return fail(Code::client, "The capacity provider name must be 1 to 255 letters, numbers, underscores (_) and "
                              "hyphens (-).");
  }
  for (const std::string_view reserved : {"aws", "ecs", "fargate"}) {
    if (starts_with_any_case(name, reserved)) {
      return fail(Code::client, "The capacity provider name cannot start with 'aws', 'ecs' or 'fargate'.");
    }
  }
  return {};
}

Result<Json> normalize_auto_scaling_group_provider(const Json& given) {
  const std::string arn = given.value("autoScalingGroupArn", "");
  if (!is_auto_scaling_group(arn)) {
    return fail(Code::invalid_parameter, "autoScalingGroupProvider.autoScalingGroupArn must be an Auto Scaling group "
                                         "ARN or name.");
  }
  Json out{{"autoScalingGroupArn", arn},
           {"managedScaling", with_managed_scaling(given.value("managedScaling", Json::object()))},
           {"managedTerminationProtection", given.value("managedTerminationProtection", "DISABLED")},
           {"managedDraining", given.value("managedDraining", "ENABLED")}};
  BERTH_TRY(check_managed_settings(out));
  return out;
}

Result<Json> updated_auto_scaling_group_provider(const Json& stored, const Json& update) {
  Json out = stored;
  if (update.contains("managedScaling")) {
    Json scaling = out["managedScaling"];
    for (const auto& [key, value] : update["managedScaling"].items()) scaling[key] = value;
    out["managedScaling"] = with_managed_scaling(std::move(scaling));
  }
  for (const char* key : {"managedTerminationProtection", "managedDraining"}) {
    if (update.contains(key)) out[key] = update[key];
  }
  BERTH_TRY(check_managed_settings(out));
  return out;
}

Json capacity_provider_to_record(const CapacityProvider& p) {
  return Json{{"name", p.name},
              {"autoScalingGroupProvider", p.auto_scaling_group_provider},
              {"updateStatus", p.update_status},
              {"updateStatusReason", p.update_status_reason},
              {"createdAt", p.created_at}};
}

Result<CapacityProvider> capacity_provider_from_record(const Json& r) {
  if (!r.is_object() || !r.contains("name") || !r["name"].is_string() || !r.contains("autoScalingGroupProvider")) {
    return fail(Code::client, "not a capacity provider record");
  }
  CapacityProvider p;
  p.name = r["name"].get<std::string>();
  p.auto_scaling_group_provider = r["autoScalingGroupProvider"];
  p.update_status = r.value("updateStatus", "");
  p.update_status_reason = r.value("updateStatusReason", "");
  p.created_at = r.value("createdAt", 0LL);
  return p;
}

std::string capacity_provider_arn(const ArnScope& arns, std::string_view name) {
  return arns.prefix() + "capacity-provider/" + std::string(name);
}

std::optional<std::string> capacity_provider_name_of(const ArnScope& arns, std::string_view text) {
  if (!is_arn(text)) return std::string(text);
  const auto parsed = parse_ecs_arn(text);
  if (!parsed || parsed->resource_type != "capacity-provider" || parsed->region != arns.region ||
      parsed->account != arns.account) {
    return std::nullopt;
  }
  return parsed->resource;
}

std::vector<std::string> associated_capacity_providers(const Json& capacity) {
  std::vector<std::string> out;
  if (!capacity.is_object()) return out;
  for (const auto& name : capacity.value("capacityProviders", Json::array())) {
    if (name.is_string()) out.push_back(name.get<std::string>());
  }
  return out;
}

Json capacity_provider_to_json(const CapacityProvider& p, const ArnScope& arns, const std::vector<Tag>* tags) {
  Json out{{"capacityProviderArn", capacity_provider_arn(arns, p.name)},
           {"name", p.name},
           {"status", to_wire(p.status)},
           {"autoScalingGroupProvider", p.auto_scaling_group_provider},
           {"type", "EC2_AUTOSCALING"}};
  if (!p.update_status.empty()) out["updateStatus"] = p.update_status;
  if (!p.update_status_reason.empty()) out["updateStatusReason"] = p.update_status_reason;
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

Json fargate_provider_to_json(std::string_view name, const ArnScope& arns, const std::vector<Tag>* tags) {
  BERTH_CHECK(is_fargate_provider(name));
  Json out{{"capacityProviderArn", capacity_provider_arn(arns, name)},
           {"name", name},
           {"status", "ACTIVE"},
           {"type", name}};
  if (tags) out["tags"] = Json::array();
  return out;
}

}  // namespace berth::model
