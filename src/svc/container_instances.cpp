// Container instance use cases: the agent side (Register/Deregister) and Describe/List.
#include <charconv>
#include <map>

#include "common/ids.hpp"
#include "model/paging.hpp"
#include "sched/instance_filter.hpp"
#include "svc/actions.hpp"
#include "svc/usage.hpp"

namespace berth::svc {
namespace {

std::string tag_key(const std::string& cluster, const std::string& id) {
  return "container-instance/" + cluster + "/" + id;
}

Result<Json> instance_json(Context& ctx, const model::ContainerInstance& ci, bool with_tags) {
  std::vector<model::Tag> tags;
  if (with_tags) {
    BERTH_ASSIGN(tags, ctx.store.tags_of(tag_key(ci.cluster, ci.id)));
  }
  BERTH_ASSIGN(auto usage, usage_of(ctx, ci));
  Json out = model::container_instance_to_json(ci, {usage.running, usage.pending}, ctx.arns, with_tags ? &tags : nullptr);
  out["remainingResources"] = remaining_resources(ci, usage);
  return out;
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

Json attribute_of(const Json& a) {
  return a.contains("value") ? Json{{"name", a["name"]}, {"value", a["value"]}} : Json{{"name", a["name"]}};
}

// `attributes` with `a` put (replacing one of its name) or, with `remove`, without its name.
Result<Json> with_attribute(const Json& attributes, const Json& a, bool remove) {
  Json list = Json::array();
  bool replaced = false;
  for (const auto& existing : attributes) {
    if (existing["name"] != a["name"]) {
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
Result<Json> change_attributes(Context& ctx, const Json& request, bool remove) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const Json attributes = request["attributes"];
  if (attributes.size() > 10) return fail(Code::attribute_limit_exceeded, "At most 10 attributes per call.");
  if (!remove) {
    BERTH_TRY(model::normalize_attributes(attributes));
  }
  std::map<std::string, std::vector<const Json*>> by_instance;
  for (const auto& a : attributes) {
    if (!a.contains("targetId")) return fail(Code::invalid_parameter, "Attribute '" + a["name"].get<std::string>() + "' needs a targetId.");
    BERTH_ASSIGN(auto id, instance_id_of(ctx, cluster, a["targetId"], Code::target_not_found));
    by_instance[id].push_back(&a);
  }
  std::vector<std::string> ids;
  for (const auto& [id, _] : by_instance) ids.push_back(id);
  BERTH_ASSIGN(auto all_there, ctx.store.update_container_instances(
                                   cluster, ids, [&](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
                                     Json list = ci.body.value("attributes", Json::array());
                                     for (const Json* a : by_instance.at(ci.id)) {
                                       BERTH_ASSIGN(list, with_attribute(list, *a, remove));
                                     }
                                     ci.body["attributes"] = std::move(list);
                                     return {};
                                   }));
  if (!all_there) return fail(Code::target_not_found, "A target container instance was deregistered during the call.");
  Json echoed = Json::array();
  for (const auto& a : attributes) {
    Json item{{"name", a["name"]}, {"targetType", "container-instance"}};
    if (a.contains("value")) item["value"] = a["value"];
    item["targetId"] = a["targetId"];
    echoed.push_back(item);
  }
  return Json{{"attributes", echoed}};
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

}  // namespace

Result<Json> register_container_instance(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  std::string id;
  store::IfMissing if_missing = store::IfMissing::create;
  if (request.contains("containerInstanceArn")) {
    BERTH_ASSIGN(id, instance_id_of(ctx, cluster, request["containerInstanceArn"], Code::invalid_parameter));
    if_missing = store::IfMissing::skip;
  } else {
    id = random_hex(16);
  }
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  BERTH_ASSIGN(auto attributes, model::normalize_attributes(request.value("attributes", Json::array())));
  const EpochMs now = ctx.clock.now_ms();
  const auto registered = [&](model::ContainerInstance& ci, store::InstanceOrigin origin) -> Result<void> {
    if (origin == store::InstanceOrigin::registering) {
      ci.registered_at = now;
      ci.status = "ACTIVE";
      ci.body["attributes"] = attributes;
    } else {
      BERTH_ASSIGN(ci.body["attributes"], model::normalize_attributes(
                                              merged_attributes(ci.body.value("attributes", Json::array()), attributes)));
    }
    ci.body["ec2InstanceId"] = ci.body.value("ec2InstanceId", "mi-" + ci.id.substr(0, 17));
    ci.body["registeredResources"] = request.value("totalResources", Json::array());
    if (request.contains("versionInfo")) ci.body["versionInfo"] = request["versionInfo"];
    return {};
  };
  BERTH_ASSIGN(auto stored, ctx.store.update_container_instance(cluster, id, registered, if_missing, tags));
  if (!stored) return fail(Code::invalid_parameter, "containerInstanceArn does not name a registered instance.");
  BERTH_ASSIGN(auto body, instance_json(ctx, *stored, false));
  return Json{{"containerInstance", body}};
}

Result<Json> deregister_container_instance(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto id = resource_id_of(ctx, cluster, "container-instance", request["containerInstance"]);
  std::optional<model::ContainerInstance> ci;
  if (id) {
    BERTH_ASSIGN(ci, ctx.store.find_container_instance(cluster, *id));
  }
  if (!ci) return fail(Code::invalid_parameter, "The referenced container instance was not found.");
  BERTH_ASSIGN(bool removed, ctx.store.remove_container_instance(cluster, ci->id));
  if (!removed) return fail(Code::invalid_parameter, "The referenced container instance was not found.");
  ci->status = "INACTIVE";
  BERTH_ASSIGN(auto body, instance_json(ctx, *ci, false));
  return Json{{"containerInstance", body}};
}

Result<Json> describe_container_instances(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto ids = strings_of(request["containerInstances"]);
  if (ids.size() > 100) {
    return fail(Code::invalid_parameter, "DescribeContainerInstances takes at most 100 instances.");
  }
  const auto include = request.value("include", Json::array());
  const bool with_tags = std::find(include.begin(), include.end(), "TAGS") != include.end();
  Json response{{"containerInstances", Json::array()}, {"failures", Json::array()}};
  for (const auto& text : ids) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", text);
    std::optional<model::ContainerInstance> ci;
    if (id) {
      BERTH_ASSIGN(ci, ctx.store.find_container_instance(cluster, *id));
    }
    if (!ci) {
      response["failures"].push_back(
          {{"arn", is_arn(text) ? text : ctx.arns.container_instance(cluster, text)},
           {"reason", "MISSING"}});
      continue;
    }
    BERTH_ASSIGN(auto body, instance_json(ctx, *ci, with_tags));
    response["containerInstances"].push_back(std::move(body));
  }
  return response;
}

Result<Json> list_container_instances(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "containerInstances"));
  std::optional<std::string> status;
  if (request.contains("status")) status = request["status"].get<std::string>();
  std::optional<sched::InstanceFilter> filter;
  if (request.contains("filter")) {
    BERTH_ASSIGN(filter, sched::InstanceFilter::parse(request["filter"].get<std::string>()));
  }
  BERTH_ASSIGN(auto all, ctx.store.list_container_instances(cluster, status, page.after, 100000));
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
  Json response{{"containerInstanceArns", Json::array()}};
  for (const auto& ci : list) {
    response["containerInstanceArns"].push_back(ctx.arns.container_instance(cluster, ci.id));
  }
  set_next_token(response, more, "containerInstances", list.empty() ? "" : list.back().id);
  return response;
}

Result<Json> update_container_instances_state(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const std::string status = request["status"];
  Json response{{"containerInstances", Json::array()}, {"failures", Json::array()}};
  for (const auto& text : strings_of(request["containerInstances"])) {
    bool changed = false;
    auto ci = change_instance(ctx, cluster, text, Code::invalid_parameter,
                              [&](model::ContainerInstance& stored, store::InstanceOrigin) -> Result<void> {
                                changed = stored.status != status;
                                stored.status = status;
                                return {};
                              });
    if (!ci) {
      if (ci.error().code != Code::invalid_parameter) return std::unexpected(ci.error());
      response["failures"].push_back({{"arn", is_arn(text) ? text : ctx.arns.container_instance(cluster, text)}, {"reason", "MISSING"}});
      continue;
    }
    if (changed) ctx.tasks_changed();
    BERTH_ASSIGN(auto body, instance_json(ctx, *ci, false));
    response["containerInstances"].push_back(std::move(body));
  }
  return response;
}

Result<Json> put_attributes(Context& ctx, const Json& request) { return change_attributes(ctx, request, false); }
Result<Json> delete_attributes(Context& ctx, const Json& request) { return change_attributes(ctx, request, true); }

Result<Json> list_attributes(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "attributes"));
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 100000));
  Json all = Json::array();
  for (const auto& ci : instances) {
    for (const auto& a : ci.body.value("attributes", Json::array())) {
      if (request.contains("attributeName") && a["name"] != request["attributeName"]) continue;
      if (request.contains("attributeValue") && Json(a.value("value", "")) != request["attributeValue"]) continue;
      Json item{{"name", a["name"]}, {"targetType", "container-instance"},
                {"targetId", ctx.arns.container_instance(cluster, ci.id)}};
      if (a.contains("value")) item["value"] = a["value"];
      all.push_back(item);
    }
  }
  std::size_t start = 0;
  if (!page.after.empty()) {
    auto [end, ec] = std::from_chars(page.after.data(), page.after.data() + page.after.size(), start);
    if (ec != std::errc() || end != page.after.data() + page.after.size()) {
      return fail(Code::invalid_parameter, "The nextToken is not valid for this request.");
    }
  }
  Json response{{"attributes", Json::array()}};
  for (std::size_t i = start; i < all.size() && i < start + page.limit; ++i) response["attributes"].push_back(all[i]);
  set_next_token(response, start + page.limit < all.size(), "attributes", std::to_string(start + page.limit));
  return response;
}

}  // namespace berth::svc
