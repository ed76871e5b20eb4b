// Container instance use cases: the agent side (Register/Deregister, and the local agent's
// registration of its node) and Describe/List.
#include <charconv>
#include <functional>
#include <map>
#include <optional>

#include "common/ids.hpp"
#include "model/paging.hpp"
#include "model/required_attributes.hpp"
#include "sched/instance_filter.hpp"
#include "svc/actions.hpp"
#include "svc/instance_poll.hpp"
#include "svc/instance_registration.hpp"
#include "svc/usage.hpp"

namespace berth::svc {
namespace {

std::string tag_key(const std::string& cluster, const std::string& id) {
  return "container-instance/" + cluster + "/" + id;
}

Result<model::ContainerInstanceDescription> describe(Context& ctx, model::ContainerInstance ci, bool with_tags) {
  model::ContainerInstanceDescription out;
  if (with_tags) {
    BERTH_ASSIGN(out.tags, ctx.store.tags_of(tag_key(ci.cluster, ci.id)));
  }
  BERTH_ASSIGN(auto usage, usage_of(ctx, ci));
  out.usage = {usage.running, usage.pending};
  out.remaining_resources = remaining_resources(ci, usage);
  out.instance = std::move(ci);
  return out;
}

// The failure of an instance `text` names that is not there.
model::Failure missing_instance(Context& ctx, const std::string& cluster, const std::string& text) {
  return {is_arn(text) ? text : ctx.arns.container_instance(cluster, text), "MISSING"};
}

// The id of the instance an id or ARN names in `cluster`, or `missing` as the error.
Result<std::string> instance_id_of(Context& ctx, const std::string& cluster, const std::string& text, Code missing) {
  const auto id = resource_id_of(ctx, cluster, "container-instance", text);
  if (!id) return fail(missing, "The container instance '" + text + "' was not found in cluster " + cluster + ".");
  return *id;
}

// Changes the instance `text` names atomically (svc never reads an instance and writes it back
// in two steps: a concurrent write in between would be lost). `missing` is the error when there
// is no such instance.
Result<model::ContainerInstance> change_instance(Context& ctx, const std::string& cluster, const std::string& text,
                                                 Code missing, const store::InstanceChange& change) {
  BERTH_ASSIGN(auto id, instance_id_of(ctx, cluster, text, missing));
  BERTH_ASSIGN(auto changed, ctx.store.update_container_instance(cluster, id, change));
  if (!changed) return fail(missing, "The container instance '" + text + "' was not found in cluster " + cluster + ".");
  return *changed;
}

Json attribute_of(const model::Attribute& a) { return model::attributes_to_json({a})[0]; }

// `attributes` with `a` put (replacing one of its name) or, with `remove`, without its name.
Result<Json> with_attribute(const Json& attributes, const model::Attribute& a, bool remove) {
  Json list = Json::array();
  bool replaced = false;
  for (const auto& existing : attributes) {
    if (existing["name"] != a.name) {
      list.push_back(existing);
    } else if (!remove && !replaced) {
      list.push_back(attribute_of(a));
      replaced = true;
    }
  }
  if (!remove && !replaced) list.push_back(attribute_of(a));
  return model::normalize_attributes(list);
}

// Puts or removes each attribute on the instance its targetId names. Every target is resolved
// before anything is written, and all of the call's changes land in one transaction, so a
// rejected call (an unknown target, an instance past its attribute limit) writes nothing.
Result<model::AttributesReply> change_attributes(Context& ctx, const model::ChangeAttributesRequest& request,
                                                 bool remove) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  std::map<std::string, std::vector<const model::Attribute*>> by_instance;
  for (const auto& a : request.attributes) {
    BERTH_ASSIGN(auto id, instance_id_of(ctx, cluster, *a.target_id, Code::target_not_found));
    by_instance[id].push_back(&a);
  }
  std::vector<std::string> ids;
  for (const auto& [id, _] : by_instance) ids.push_back(id);
  BERTH_ASSIGN(auto all_there, ctx.store.update_container_instances(
                                   cluster, ids, [&](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
                                     Json list = ci.body.value("attributes", Json::array());
                                     for (const model::Attribute* a : by_instance.at(ci.id)) {
                                       BERTH_ASSIGN(list, with_attribute(list, *a, remove));
                                     }
                                     ci.body["attributes"] = std::move(list);
                                     return {};
                                   }));
  if (!all_there) return fail(Code::target_not_found, "A target container instance was deregistered during the call.");
  model::AttributesReply reply;
  for (const auto& a : request.attributes) reply.attributes.push_back({a.name, a.value, *a.target_id});
  return reply;
}

// Re-registration merges: attributes the agent sends replace those of their names, and the
// others (PutAttributes') stay, as does the status (a DRAINING instance stays DRAINING).
Json merged_attributes(const Json& stored, const Json& sent) {
  Json merged = Json::array();
  for (const auto& a : stored) {
    if (std::none_of(sent.begin(), sent.end(), [&](const Json& s) { return s["name"] == a["name"]; })) merged.push_back(a);
  }
  for (const auto& a : sent) merged.push_back(a);
  return merged;
}

// What a registration writes besides the instance's attributes: its resources and, when sent,
// its agent's versionInfo.
struct Registration {
  Json resources;
  std::optional<Json> version_info;
  std::optional<std::string> ec2_instance_id;  // from the identity document, when sent
  // The instance's attributes after this registration, from those stored (`origin` registering:
  // the instance is new and has none).
  std::function<Result<Json>(const Json& stored, store::InstanceOrigin origin)> attributes;
};

// `registration` as one atomic change of an instance's row: a new instance is ACTIVE from `now`;
// one already there keeps its status (DRAINING stays) and registration time.
store::InstanceChange registration_change(EpochMs now, Registration registration) {
  return [now, registration = std::move(registration)](model::ContainerInstance& ci,
                                                        store::InstanceOrigin origin) -> Result<void> {
    if (origin == store::InstanceOrigin::registering) {
      ci.registered_at = now;
      ci.status = model::InstanceStatus::active;
    }
    BERTH_ASSIGN(ci.body["attributes"], registration.attributes(ci.body.value("attributes", Json::array()), origin));
    ci.body["ec2InstanceId"] = registration.ec2_instance_id.value_or(ci.body.value("ec2InstanceId", "mi-" + ci.id.substr(0, 17)));
    ci.body["registeredResources"] = registration.resources;
    if (registration.version_info) ci.body["versionInfo"] = *registration.version_info;
    return {};
  };
}

// The registration RegisterContainerInstance sends: its attributes replace those of their names.
Registration sent_registration(const model::RegisterContainerInstanceRequest& request) {
  Json sent = model::attributes_to_json(request.attributes);
  return Registration{request.total_resources, request.version_info, request.ec2_instance_id,
                      [sent](const Json& stored, store::InstanceOrigin origin) -> Result<Json> {
                        if (origin == store::InstanceOrigin::registering) return sent;
                        return model::normalize_attributes(merged_attributes(stored, sent));
                      }};
}

// Records `registration` on instance `id`. Returns the instance as stored, or nothing when it is
// missing and `if_missing` is skip.
Result<std::optional<model::ContainerInstance>> record_registration(Context& ctx, const std::string& cluster,
                                                                    const std::string& id, store::IfMissing if_missing,
                                                                    const std::vector<model::Tag>& tags,
                                                                    Registration registration) {
  return ctx.store.update_container_instance(cluster, id, registration_change(ctx.clock.now_ms(), std::move(registration)),
                                             if_missing, tags);
}

}  // namespace

store::InstanceChange new_instance_registration(Context& ctx, const model::RegisterContainerInstanceRequest& request) {
  return registration_change(ctx.clock.now_ms(), sent_registration(request));
}

Result<model::ContainerInstanceReply> register_container_instance(
    Context& ctx, const model::RegisterContainerInstanceRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  std::string id;
  store::IfMissing if_missing = store::IfMissing::create;
  if (request.instance_arn) {
    BERTH_ASSIGN(id, instance_id_of(ctx, cluster, *request.instance_arn, Code::invalid_parameter));
    if_missing = store::IfMissing::skip;
  } else {
    id = random_hex(16);
  }
  // A joined instance's key re-registers its own instance, never another or a new one (its
  // policy allows the action on its cluster, which a registration without an ARN needs).
  if (const auto caller = model::instance_of_caller(ctx.caller_arn); caller && (!request.instance_arn || id != *caller)) {
    return fail(Code::client, "A container instance's key registers only its own instance again (containerInstanceArn " +
                                  ctx.arns.container_instance(cluster, *caller) + ").");
  }
  BERTH_ASSIGN(auto stored, record_registration(ctx, cluster, id, if_missing, request.tags, sent_registration(request)));
  if (!stored) return fail(Code::invalid_parameter, "containerInstanceArn does not name a registered instance.");
  // Registering is its agent speaking: a heartbeat, as a poll or a report is.
  BERTH_TRY(instance_heard_from(ctx, cluster, stored->id));
  BERTH_ASSIGN(auto described, describe(ctx, std::move(*stored), false));
  return model::ContainerInstanceReply{std::move(described)};
}

Result<model::ContainerInstance> register_node(Context& ctx, const model::NodeRegistration& node) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, std::optional<std::string>(node.cluster)));
  // The node's agent is berth itself.
  const Json version_info{{"agentVersion", "berth"}, {"agentHash", ""}, {"dockerVersion", "runc"}};
  Registration registration{model::registered_resources_of(node), version_info, std::nullopt,
                            [&](const Json& stored, store::InstanceOrigin origin) -> Result<Json> {
                              // Listed by name: those stored (PutAttributes'), the custom ones of
                              // the configuration when new, and the built-in ones over both.
                              std::map<std::string, std::string> attributes;
                              // berth.capability.* are berth's own: only what the node has now.
                              for (const auto& a : stored) {
                                if (!a.value("name", "").starts_with(model::k_berth_capability_prefix)) attributes[a["name"]] = a.value("value", "");
                              }
                              if (origin == store::InstanceOrigin::registering) {
                                for (const auto& [k, v] : node.initial_attributes) attributes[k] = v;
                              }
                              for (const auto& [k, v] : node.attributes) attributes[k] = v;
                              Json list = Json::array();
                              for (const auto& [k, v] : attributes) {
                                Json a{{"name", k}};
                                if (!v.empty()) a["value"] = v;
                                list.push_back(std::move(a));
                              }
                              return list;
                            }};
  BERTH_ASSIGN(auto stored, record_registration(ctx, cluster, node.instance_id, store::IfMissing::create, {}, registration));
  BERTH_CHECK(stored.has_value());  // IfMissing::create always leaves an instance
  return std::move(*stored);
}

Result<model::ContainerInstanceReply> deregister_container_instance(
    Context& ctx, const model::DeregisterContainerInstanceRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request.instance);
  std::optional<model::ContainerInstance> ci;
  if (id) {
    BERTH_ASSIGN(ci, ctx.store.find_container_instance(cluster, *id));
  }
  if (!ci) return fail(Code::invalid_parameter, "The referenced container instance was not found.");
  BERTH_ASSIGN(bool removed, ctx.store.remove_container_instance(cluster, ci->id));
  if (!removed) return fail(Code::invalid_parameter, "The referenced container instance was not found.");
  // A joined node's key speaks for this instance only: it goes with it.
  BERTH_ASSIGN(const auto keys, ctx.store.delete_access_keys_of(model::instance_user(ci->id)));
  for (const auto& key : keys) ctx.access_key_deleted(key);
  if (ctx.remote_agents) ctx.remote_agents->forget(ci->id);
  ci->status = model::InstanceStatus::inactive;
  BERTH_ASSIGN(auto described, describe(ctx, std::move(*ci), false));
  return model::ContainerInstanceReply{std::move(described)};
}

Result<model::ContainerInstancesReply> describe_container_instances(
    Context& ctx, const model::DescribeContainerInstancesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::ContainerInstancesReply reply;
  for (const auto& text : request.instances) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", text);
    std::optional<model::ContainerInstance> ci;
    if (id) {
      BERTH_ASSIGN(ci, ctx.store.find_container_instance(cluster, *id));
    }
    if (!ci) {
      reply.failures.push_back(missing_instance(ctx, cluster, text));
      continue;
    }
    BERTH_ASSIGN(auto described, describe(ctx, std::move(*ci), request.with_tags));
    reply.instances.push_back(std::move(described));
  }
  return reply;
}

Result<model::Page> list_container_instances(Context& ctx, const model::ListContainerInstancesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto& page = request.page;
  std::optional<sched::InstanceFilter> filter;
  if (request.filter) {
    BERTH_ASSIGN(filter, sched::InstanceFilter::parse(*request.filter));
  }
  BERTH_ASSIGN(auto all, ctx.store.list_container_instances(cluster, request.status, page.after, 100000));
  std::vector<model::ContainerInstance> list;
  for (auto& ci : all) {
    if (filter) {
      BERTH_ASSIGN(auto usage, usage_of(ctx, ci));
      if (!filter->matches(state_of(ci, usage))) continue;
    }
    list.push_back(std::move(ci));
    if (list.size() > page.limit) break;
  }
  const bool more = list.size() > page.limit;
  if (more) list.resize(page.limit);
  model::Page reply;
  for (const auto& ci : list) reply.items.push_back(ctx.arns.container_instance(cluster, ci.id));
  reply.next_token = next_token(more, "containerInstances", list.empty() ? "" : list.back().id);
  return reply;
}

Result<model::ContainerInstancesReply> update_container_instances_state(
    Context& ctx, const model::UpdateContainerInstancesStateRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::ContainerInstancesReply reply;
  for (const auto& text : request.instances) {
    bool changed = false;
    auto ci = change_instance(ctx, cluster, text, Code::invalid_parameter,
                              [&](model::ContainerInstance& stored, store::InstanceOrigin) -> Result<void> {
                                changed = stored.status != request.status;
                                stored.status = request.status;
                                return {};
                              });
    if (!ci) {
      if (ci.error().code != Code::invalid_parameter) return std::unexpected(ci.error());
      reply.failures.push_back(missing_instance(ctx, cluster, text));
      continue;
    }
    if (changed) ctx.tasks_changed();
    BERTH_ASSIGN(auto described, describe(ctx, std::move(*ci), false));
    reply.instances.push_back(std::move(described));
  }
  return reply;
}

Result<model::AttributesReply> put_attributes(Context& ctx, const model::ChangeAttributesRequest& request) {
  return change_attributes(ctx, request, false);
}
Result<model::AttributesReply> delete_attributes(Context& ctx, const model::ChangeAttributesRequest& request) {
  return change_attributes(ctx, request, true);
}

Result<model::AttributesReply> list_attributes(Context& ctx, const model::ListAttributesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto& page = request.page;
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 100000));
  std::vector<model::TargetedAttribute> all;
  for (const auto& ci : instances) {
    for (const auto& a : ci.body.value("attributes", Json::array())) {
      if (request.name && a["name"] != *request.name) continue;
      if (request.value && a.value("value", "") != *request.value) continue;
      all.push_back({a["name"].get<std::string>(),
                     a.contains("value") ? std::optional<std::string>(a["value"].get<std::string>()) : std::nullopt,
                     ctx.arns.container_instance(cluster, ci.id)});
    }
  }
  std::size_t start = 0;
  if (!page.after.empty()) {
    auto [end, ec] = std::from_chars(page.after.data(), page.after.data() + page.after.size(), start);
    if (ec != std::errc() || end != page.after.data() + page.after.size()) {
      return fail(Code::invalid_parameter, "The nextToken is not valid for this request.");
    }
  }
  model::AttributesReply reply;
  for (std::size_t i = start; i < all.size() && i < start + page.limit; ++i) reply.attributes.push_back(all[i]);
  reply.next_token = next_token(start + page.limit < all.size(), "attributes", std::to_string(start + page.limit));
  return reply;
}

}  // namespace berth::svc
