#include "api/auth/request_resources.hpp"

#include <functional>
#include <map>

#include "api/auth/privileged_settings.hpp"
#include "model/schedule.hpp"
#include "model/task_definition.hpp"

namespace berth::api::auth {
namespace {

using model::Json;

// The request's string member `key`, if it has one.
std::optional<std::string> string_member(const Json& request, const char* key) {
  if (!request.is_object()) return std::nullopt;
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::vector<std::string> string_list(const Json& request, const char* key) {
  std::vector<std::string> out;
  if (!request.is_object()) return out;
  const auto it = request.find(key);
  if (it == request.end() || !it->is_array()) return out;
  for (const Json& item : *it) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

const Json& object_member(const Json& request, const char* key) {
  static const Json k_empty = Json::object();
  if (!request.is_object()) return k_empty;
  const auto it = request.find(key);
  return it != request.end() && it->is_object() ? *it : k_empty;
}

// arn:<partition>:<service>:<region>:<account>:<resource>, of any service.
struct ArnParts {
  std::string service, region, account, resource;
};

std::optional<ArnParts> split_arn(std::string_view arn) {
  std::string_view parts[5];
  std::size_t start = 0;
  for (auto& part : parts) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    part = arn.substr(start, colon - start);
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[1].empty()) return std::nullopt;
  return ArnParts{std::string(parts[2]), std::string(parts[3]), std::string(parts[4]), std::string(arn.substr(start))};
}

// The request's identifiers as ARNs, resolved by the use cases' own rules.
class Mapper {
 public:
  Mapper(const RequestContext& context, const Json& request) : m_context(context), m_request(request) {}

  const ArnScope& arns() const { return m_context.arns; }
  const Json& request() const { return m_request; }

  // --- ECS -----------------------------------------------------------------------------------

  // The cluster a request names (else the default), as use cases resolve it.
  std::string cluster_id() const {
    return string_member(m_request, "cluster").value_or(m_context.default_cluster);
  }
  std::string cluster_arn_of(const std::string& id) const {
    const auto name = arns().cluster_name_of(id);
    return name ? arns().cluster(*name) : id;
  }
  std::string cluster_arn() const { return cluster_arn_of(cluster_id()); }

  // The ARN of the `resource_type` member `text` names in the request's cluster (an id, or an
  // ARN the use case accepts; another is evaluated as written). With a cluster that does not
  // resolve, the use case refuses before any member: the cluster as written.
  std::string member_arn(std::string_view resource_type, const std::string& text) const {
    return in_cluster(resource_type, [&](const std::string& cluster) {
      return arns().resource_id_of(cluster, resource_type, text);
    }).value_or(text);
  }

  // The ARN of a member being created: `name` taken as written (never read as an ARN).
  std::string new_member_arn(std::string_view resource_type, const std::string& name) const {
    return *in_cluster(resource_type, [&](const std::string&) { return std::optional<std::string>(name); });
  }

  // One ARN per entry of the list `key`; none given: the cluster (never an empty list).
  std::vector<std::string> member_arns(std::string_view resource_type, const char* key) const {
    std::vector<std::string> out;
    for (const std::string& text : string_list(m_request, key)) out.push_back(member_arn(resource_type, text));
    if (out.empty()) out.push_back(cluster_arn());
    return out;
  }

  // "family", "family:revision" or an ARN (whose region and account use cases ignore).
  std::string task_definition_arn(const std::string& text) const {
    const auto ref = model::parse_task_definition_ref(text);
    if (!ref) return text;
    if (ref->revision) return arns().task_definition(ref->family, *ref->revision);
    return family_arn(ref->family);
  }
  std::string family_arn(std::string_view family) const {
    return arns().prefix() + "task-definition/" + std::string(family) + ":*";
  }

  // A resourceArn of the tagging actions, written as the use case reads it.
  std::string tagged_resource_arn(const std::string& text) const {
    const auto arn = parse_ecs_arn(text);
    if (!arn) return text;
    const std::string prefix = "arn:aws:ecs:" + arn->region + ":" + arn->account + ":";
    if (arn->resource_type == "task-definition") {
      const auto ref = model::parse_task_definition_ref(text);
      if (!ref || !ref->revision) return text;
      return prefix + "task-definition/" + ref->family + ":" + std::to_string(*ref->revision);
    }
    return prefix + arn->resource_type + "/" + arn->resource;
  }

  // --- other services ---------------------------------------------------------------------------

  std::string service_prefix(std::string_view service) const {
    return "arn:aws:" + std::string(service) + ":" + arns().region + ":" + arns().account + ":";
  }

  // An ARN of `service` whose resource starts with `resource_type`, normalized to partition "aws".
  std::optional<std::string> own_arn(const std::string& text, std::string_view service,
                                     std::string_view resource_type) const {
    const auto parts = split_arn(text);
    if (!parts || parts->service != service || !parts->resource.starts_with(resource_type)) return std::nullopt;
    return "arn:aws:" + parts->service + ":" + parts->region + ":" + parts->account + ":" + parts->resource;
  }

  // A SecretId: an ARN, or a name (whose ARN ends in six characters not known here).
  std::string secret_arn(const std::string& id) const {
    if (is_arn(id)) return own_arn(id, "secretsmanager", "secret:").value_or(id);
    return new_secret_arn(id);
  }
  std::string new_secret_arn(const std::string& name) const {
    return service_prefix("secretsmanager") + "secret:" + name + "-??????";
  }

  // A parameter name or ARN, without a ":<version|label>" selector (names hold no ':').
  std::string parameter_arn(const std::string& text) const {
    if (is_arn(text)) {
      auto arn = own_arn(text, "ssm", "parameter/");
      if (!arn) return text;
      const auto selector = arn->find(':', arn->find(":parameter/") + 1);
      return selector == std::string::npos ? *arn : arn->substr(0, selector);
    }
    return named_parameter_arn(text.substr(0, text.find(':')));
  }

  // A parameter name as written: what PutParameter and DeleteParameter(s) take (no ARN, no selector).
  std::string named_parameter_arn(std::string_view name) const {
    if (name.starts_with('/')) name.remove_prefix(1);
    return service_prefix("ssm") + "parameter/" + std::string(name);
  }

  std::string path_arn(const std::string& path) const {
    std::string_view name = path;
    while (name.starts_with('/')) name.remove_prefix(1);
    while (name.ends_with('/')) name.remove_suffix(1);
    return service_prefix("ssm") + "parameter/" + std::string(name);
  }

  std::string schedule_arn() const {
    model::Schedule schedule;
    schedule.group = string_member(m_request, "GroupName").value_or("default");
    schedule.name = string_member(m_request, "Name").value_or("");
    return model::schedule_arn(arns(), schedule);
  }

  std::string user_arn() const {
    const std::string user = string_member(m_request, "UserName").value_or(m_context.caller_user);
    return "arn:aws:iam::" + arns().account + ":user/" + user;
  }

 private:
  // `<type>/<cluster>/<id>` with the id `id_in(cluster)` gives; the cluster as written when it
  // does not resolve; nothing when the id does not.
  template <class IdIn>
  std::optional<std::string> in_cluster(std::string_view resource_type, IdIn id_in) const {
    const std::string id = cluster_id();
    const auto cluster = arns().cluster_name_of(id);
    if (!cluster) return id;
    const std::optional<std::string> member = id_in(*cluster);
    if (!member) return std::nullopt;
    return arns().prefix() + std::string(resource_type) + "/" + *cluster + "/" + *member;
  }

  const RequestContext& m_context;
  const Json& m_request;
};

using Resources = std::vector<std::string>;
using ResourcesOf = std::function<Resources(const Mapper&)>;

Resources everything(const Mapper&) { return {"*"}; }
Resources the_cluster(const Mapper& m) { return {m.cluster_arn()}; }

ResourcesOf member(std::string_view type, const char* key) {
  return [type, key](const Mapper& m) { return Resources{m.member_arn(type, string_member(m.request(), key).value_or(""))}; };
}
ResourcesOf members(std::string_view type, const char* key) {
  return [type, key](const Mapper& m) { return m.member_arns(type, key); };
}
ResourcesOf task_definition(const char* key) {
  return [key](const Mapper& m) { return Resources{m.task_definition_arn(string_member(m.request(), key).value_or(""))}; };
}
// The first mapping's resources followed by the second's.
ResourcesOf both(ResourcesOf first, ResourcesOf second) {
  return [first, second](const Mapper& m) {
    Resources out = first(m);
    for (auto& resource : second(m)) out.push_back(std::move(resource));
    return out;
  };
}
// `mapping` when the request has `key`, else nothing.
ResourcesOf if_given(const char* key, ResourcesOf mapping) {
  return [key, mapping](const Mapper& m) {
    return m.request().is_object() && m.request().contains(key) ? mapping(m) : Resources{};
  };
}
ResourcesOf each_of(const char* key, std::function<std::string(const Mapper&, const std::string&)> arn_of) {
  return [key, arn_of](const Mapper& m) {
    Resources out;
    for (const std::string& text : string_list(m.request(), key)) out.push_back(arn_of(m, text));
    if (out.empty()) out.push_back("*");
    return out;
  };
}
ResourcesOf one_of(const char* key, std::function<std::string(const Mapper&, const std::string&)> arn_of) {
  return [key, arn_of](const Mapper& m) { return Resources{arn_of(m, string_member(m.request(), key).value_or(""))}; };
}

const std::map<std::string, ResourcesOf, std::less<>>& ecs_mappings() {
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      // A name to create is taken as written, never read as an ARN.
      {"CreateCluster",
       [](const Mapper& m) { return Resources{m.arns().cluster(string_member(m.request(), "clusterName").value_or("default"))}; }},
      {"DescribeClusters",
       [](const Mapper& m) {
         Resources out;
         for (const std::string& id : string_list(m.request(), "clusters")) out.push_back(m.cluster_arn_of(id));
         if (out.empty()) out.push_back(m.cluster_arn());
         return out;
       }},
      {"ListClusters", everything},
      {"DeleteCluster", the_cluster},
      {"RegisterTaskDefinition",
       [](const Mapper& m) { return Resources{m.family_arn(string_member(m.request(), "family").value_or(""))}; }},
      {"DescribeTaskDefinition", task_definition("taskDefinition")},
      {"ListTaskDefinitions", everything},
      {"ListTaskDefinitionFamilies", everything},
      {"DeregisterTaskDefinition", task_definition("taskDefinition")},
      {"DeleteTaskDefinitions",
       each_of("taskDefinitions", [](const Mapper& m, const std::string& text) { return m.task_definition_arn(text); })},
      {"TagResource", one_of("resourceArn", [](const Mapper& m, const std::string& text) { return m.tagged_resource_arn(text); })},
      {"UntagResource", one_of("resourceArn", [](const Mapper& m, const std::string& text) { return m.tagged_resource_arn(text); })},
      {"ListTagsForResource",
       one_of("resourceArn", [](const Mapper& m, const std::string& text) { return m.tagged_resource_arn(text); })},
      {"RegisterContainerInstance",
       both(the_cluster, if_given("containerInstanceArn", member("container-instance", "containerInstanceArn")))},
      {"DeregisterContainerInstance", both(the_cluster, member("container-instance", "containerInstance"))},
      {"DescribeContainerInstances", members("container-instance", "containerInstances")},
      {"ListContainerInstances", the_cluster},
      {"UpdateContainerInstancesState", members("container-instance", "containerInstances")},
      {"PutAttributes", the_cluster},
      {"DeleteAttributes", the_cluster},
      {"ListAttributes", the_cluster},
      {"RunTask", both(the_cluster, task_definition("taskDefinition"))},
      {"StartTask", both(both(the_cluster, task_definition("taskDefinition")),
                         members("container-instance", "containerInstances"))},
      {"StopTask", member("task", "task")},
      {"DescribeTasks", members("task", "tasks")},
      {"ListTasks", the_cluster},
      {"CreateService",
       both([](const Mapper& m) { return Resources{m.new_member_arn("service", string_member(m.request(), "serviceName").value_or(""))}; },
            if_given("taskDefinition", task_definition("taskDefinition")))},
      {"UpdateService", both(member("service", "service"), if_given("taskDefinition", task_definition("taskDefinition")))},
      {"DeleteService", member("service", "service")},
      {"DescribeServices", members("service", "services")},
      {"ListServices", the_cluster},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& scheduler_mappings() {
  static const ResourcesOf schedule = [](const Mapper& m) { return Resources{m.schedule_arn()}; };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateSchedule", schedule}, {"UpdateSchedule", schedule}, {"GetSchedule", schedule},
      {"DeleteSchedule", schedule}, {"ListSchedules", everything},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& secrets_manager_mappings() {
  static const auto secret = [](const Mapper& m, const std::string& id) { return m.secret_arn(id); };
  static const auto new_secret = [](const Mapper& m, const std::string& name) { return m.new_secret_arn(name); };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateSecret", one_of("Name", new_secret)},         {"GetSecretValue", one_of("SecretId", secret)},
      {"PutSecretValue", one_of("SecretId", secret)},   {"DescribeSecret", one_of("SecretId", secret)},
      {"DeleteSecret", one_of("SecretId", secret)},     {"ListSecrets", everything},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& ssm_mappings() {
  static const auto parameter = [](const Mapper& m, const std::string& name) { return m.parameter_arn(name); };
  static const auto named = [](const Mapper& m, const std::string& name) { return m.named_parameter_arn(name); };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"PutParameter", one_of("Name", named)},
      {"GetParameter", one_of("Name", parameter)},
      {"DeleteParameter", one_of("Name", named)},
      {"GetParameters", each_of("Names", parameter)},
      {"DeleteParameters", each_of("Names", named)},
      {"GetParametersByPath", one_of("Path", [](const Mapper& m, const std::string& path) { return m.path_arn(path); })},
      {"DescribeParameters", everything},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& key_admin_mappings() {
  static const ResourcesOf user = [](const Mapper& m) { return Resources{m.user_arn()}; };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateAccessKey", user}, {"ListAccessKeys", user}, {"DeleteAccessKey", user}};
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>* mappings_of(std::string_view service) {
  if (service == "ecs") return &ecs_mappings();
  if (service == "scheduler") return &scheduler_mappings();
  if (service == "secretsmanager") return &secrets_manager_mappings();
  if (service == "ssm") return &ssm_mappings();
  if (service == "iam") return &key_admin_mappings();
  return nullptr;
}

// What a request implies beyond its own action: a schedule runs ECS tasks; a task definition
// that takes the host needs the privileged action.
std::vector<Permission> implied_permissions(const Mapper& m, std::string_view service, std::string_view action,
                                            const std::string& first_resource) {
  std::vector<Permission> out;
  if (service == "scheduler" && (action == "CreateSchedule" || action == "UpdateSchedule")) {
    const Json& target = object_member(m.request(), "Target");
    const Json& ecs = object_member(target, "EcsParameters");
    out.push_back({"ecs:RunTask", m.cluster_arn_of(string_member(target, "Arn").value_or(""))});
    out.push_back({"ecs:RunTask", m.task_definition_arn(string_member(ecs, "TaskDefinitionArn").value_or(""))});
  }
  if (service == "ecs" && action == "RegisterTaskDefinition" && !needs_privileged_action(m.request()).empty()) {
    out.push_back({std::string(k_privileged_action), first_resource});
  }
  return out;
}

}  // namespace

Result<RequestedAccess> requested_access(const RequestContext& context, std::string_view service,
                                         std::string_view action, const Json& request) {
  const auto* mappings = mappings_of(service);
  const ResourcesOf* resources_of = nullptr;
  if (mappings) {
    if (const auto it = mappings->find(action); it != mappings->end()) resources_of = &it->second;
  }
  if (!resources_of) {
    return fail(Code::unknown_operation, "berth has no authorization rule for " + std::string(service) + ":" +
                                             std::string(action) + "; the request is refused.");
  }
  const Mapper mapper(context, request);
  RequestedAccess access{std::string(service) + ":" + std::string(action), (*resources_of)(mapper), {}};
  BERTH_CHECK(!access.resources.empty());
  if (access.resources.size() > k_max_request_resources) {
    return fail(Code::invalid_parameter, std::string(action) + " names more than " +
                                             std::to_string(k_max_request_resources) + " resources.");
  }
  access.also_needed = implied_permissions(mapper, service, action, access.resources.front());
  return access;
}

std::optional<Refusal> first_refusal(std::span<const Policy> policies, const RequestedAccess& access) {
  for (const std::string& resource : access.resources) {
    const Decision decision = evaluate(policies, access.action, resource);
    if (decision != Decision::allow) return Refusal{decision, access.action, resource};
  }
  for (const Permission& permission : access.also_needed) {
    const Decision decision = evaluate(policies, permission.action, permission.resource);
    if (decision != Decision::allow) return Refusal{decision, permission.action, permission.resource};
  }
  return std::nullopt;
}

}  // namespace berth::api::auth
