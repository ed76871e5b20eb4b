#include "model/task_set_json.hpp"

namespace berth::model {

Json task_set_to_record(const TaskSet& s) {
  return {{"id", s.id},           {"externalId", s.external_id},   {"status", std::string(to_wire(s.status))},
          {"family", s.family},   {"revision", s.revision},        {"scale", s.scale_percent},
          {"capacityProviderStrategy", s.capacity_provider_strategy},
          {"launchType", std::string(to_wire(s.launch_type))},
          {"loadBalancers", s.load_balancers},
          {"serviceRegistries", s.service_registries},
          {"createdAt", s.created_at}, {"updatedAt", s.updated_at}};
}

Result<TaskSet> task_set_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt task set record");
  TaskSet s;
  const auto status = from_wire<TaskSetStatus>(r.value("status", ""));
  if (!status) return fail(Code::server, "corrupt task set record");
  s.status = *status;
  s.id = r.value("id", "");
  s.external_id = r.value("externalId", "");
  s.family = r.value("family", "");
  s.revision = r.value("revision", 0LL);
  s.scale_percent = r.value("scale", 100.0);
  // Sets stored before these were kept ran as EC2 with none.
  const auto launch_type = from_wire<LaunchType>(r.value("launchType", "EC2"));
  if (!launch_type) return fail(Code::server, "corrupt task set record");
  s.launch_type = *launch_type;
  s.capacity_provider_strategy = r.value("capacityProviderStrategy", Json::array());
  s.load_balancers = r.value("loadBalancers", Json::array());
  s.service_registries = r.value("serviceRegistries", Json::array());
  s.created_at = r.value("createdAt", 0LL);
  s.updated_at = r.value("updatedAt", 0LL);
  return s;
}

std::string task_set_arn(const ArnScope& arns, const std::string& cluster, const std::string& service,
                         const std::string& id) {
  return arns.prefix() + "task-set/" + cluster + "/" + service + "/" + id;
}

std::optional<std::string> task_set_id_of(const ArnScope& arns, const std::string& cluster,
                                          const std::string& service, const std::string& text) {
  if (!is_arn(text)) return text;
  const auto parsed = parse_ecs_arn(text);
  if (!parsed || parsed->resource_type != "task-set" || parsed->region != arns.region ||
      parsed->account != arns.account) {
    return std::nullopt;
  }
  const std::string owner = cluster + "/" + service + "/";
  if (!parsed->resource.starts_with(owner) || parsed->resource.size() == owner.size()) return std::nullopt;
  return parsed->resource.substr(owner.size());
}

Json task_set_to_json(const TaskSet& s, const TaskSetOwner& owner, const ArnScope& arns,
                      const std::vector<Tag>* tags) {
  Json out{{"id", s.id},
           {"taskSetArn", task_set_arn(arns, owner.cluster, owner.service, s.id)},
           {"serviceArn", arns.service(owner.cluster, owner.service)},
           {"clusterArn", arns.cluster(owner.cluster)},
           {"status", std::string(to_wire(s.status))},
           {"taskDefinition", arns.task_definition(s.family, s.revision)},
           {"computedDesiredCount", computed_desired_count(s, owner.service_desired_count)},
           {"pendingCount", s.pending_count},
           {"runningCount", s.running_count},
           {"createdAt", epoch_seconds(s.created_at)},
           {"updatedAt", epoch_seconds(s.updated_at)},
           {"launchType", std::string(to_wire(s.launch_type))},
           {"loadBalancers", s.load_balancers},
           {"serviceRegistries", s.service_registries},
           {"scale", {{"value", s.scale_percent}, {"unit", "PERCENT"}}},
           {"stabilityStatus", std::string(to_wire(stability_of(s, owner.service_desired_count)))},
           {"stabilityStatusAt", epoch_seconds(s.counted_at)}};
  if (!s.capacity_provider_strategy.empty()) {
    // As ECS shows a set on capacity providers: the strategy instead of a launchType.
    out.erase("launchType");
    out["capacityProviderStrategy"] = s.capacity_provider_strategy;
  }
  if (!s.external_id.empty()) out["externalId"] = s.external_id;
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

}  // namespace berth::model
