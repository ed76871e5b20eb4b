// How authorization reads a request: a Mapper turns the request's identifiers into the ARNs a
// policy is evaluated against (by the use cases' own resolution rules), and a ResourcesOf rule
// says which of them one action needs. The rules of the ECS actions sit in their rows of
// api/ecs_actions.cpp; those of the other APIs in request_resources.cpp. Pure; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "model/schedule.hpp"
#include "model/schedule_group.hpp"
#include "model/schema.hpp"
#include "model/task_definition.hpp"

namespace berth::api::auth {

using model::Json;

struct RequestContext {
  ArnScope arns;                           // region and account of every ARN
  std::string default_cluster = "default"; // ECS requests without a cluster act on it
  std::string caller_user;                 // the calling key's user: key admin's default UserName
};

// The request's string member `key`, if it has one.
std::optional<std::string> string_member(const Json& request, const char* key);
// The request's list `key` as strings (a non-string item as its JSON text).
std::vector<std::string> string_list(const Json& request, const char* key);
// The request's object member `key`, or an empty object.
const Json& object_member(const Json& request, const char* key);

// arn:<partition>:<service>:<region>:<account>:<resource>, of any service.
struct ArnParts {
  std::string service, region, account, resource;
};
std::optional<ArnParts> split_arn(std::string_view arn);

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

  std::string schedule_group_arn() const {
    return model::schedule_group_arn(arns(), string_member(m_request, "Name").value_or(""));
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
using ArnOf = std::function<std::string(const Mapper&, const std::string&)>;

// Rules, composed per action.
Resources everything(const Mapper&);                       // "*": account-wide
Resources the_cluster(const Mapper& m);                    // the request's cluster
ResourcesOf member(std::string_view type, const char* key);   // the cluster's member `key` names
ResourcesOf members(std::string_view type, const char* key);  // one per entry of the list `key`
ResourcesOf task_definition(const char* key);              // the task definition `key` names
// The first rule's resources followed by the second's.
ResourcesOf both(ResourcesOf first, ResourcesOf second);
// `rule` when the request has `key`, else nothing.
ResourcesOf if_given(const char* key, ResourcesOf rule);
// `arn_of` each entry of the list `key` ("*" for none); `arn_of` the string `key`.
ResourcesOf each_of(const char* key, ArnOf arn_of);
ResourcesOf one_of(const char* key, ArnOf arn_of);

}  // namespace berth::api::auth
