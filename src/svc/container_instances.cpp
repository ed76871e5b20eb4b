// Container instance use cases: the agent side (Register/Deregister) and Describe/List.
#include <charconv>

#include "common/ids.hpp"
#include "model/paging.hpp"
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

// Finds the instance an id or ARN names in `cluster`, or TargetNotFound/InvalidParameter.
Result<model::ContainerInstance> existing_instance(Context& ctx, const std::string& cluster, const std::string& text,
                                                   Code missing = Code::invalid_parameter) {
  const auto id = resource_id_of(ctx, cluster, "container-instance", text);
  std::optional<model::ContainerInstance> ci;
  if (id) {
    BERTH_ASSIGN(ci, ctx.store.find_container_instance(cluster, *id));
  }
  if (!ci) return fail(missing, "The container instance '" + text + "' was not found in cluster " + cluster + ".");
  return *ci;
}

// Applies `change` to the instances named by the attributes' targetIds (or the only instance).
Result<Json> change_attributes(Context& ctx, const Json& request, bool remove) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const Json attributes = request["attributes"];
  if (attributes.size() > 10) return fail(Code::attribute_limit_exceeded, "At most 10 attributes per call.");
  if (!remove) {
    BERTH_TRY(model::normalize_attributes(attributes));
  }
  for (const auto& a : attributes) {
    if (!a.contains("targetId")) return fail(Code::invalid_parameter, "Attribute '" + a["name"].get<std::string>() + "' needs a targetId.");
    BERTH_ASSIGN(auto ci, existing_instance(ctx, cluster, a["targetId"], Code::target_not_found));
    Json list = Json::array();
    bool replaced = false;
    for (const auto& existing : ci.body.value("attributes", Json::array())) {
      if (existing["name"] == a["name"]) {
        replaced = true;
        if (!remove) list.push_back(a.contains("value") ? Json{{"name", a["name"]}, {"value", a["value"]}} : Json{{"name", a["name"]}});
      } else {
        list.push_back(existing);
      }
    }
    if (!remove && !replaced) list.push_back(a.contains("value") ? Json{{"name", a["name"]}, {"value", a["value"]}} : Json{{"name", a["name"]}});
    BERTH_ASSIGN(auto checked, model::normalize_attributes(list));
    if (checked == ci.body.value("attributes", Json::array())) continue;  // nothing to write
    ci.body["attributes"] = checked;
    BERTH_TRY(ctx.store.put_container_instance(ci, {}, tag_key(ci.cluster, ci.id)));
  }
  Json echoed = Json::array();
  for (const auto& a : attributes) {
    Json item{{"name", a["name"]}, {"targetType", "container-instance"}};
    if (a.contains("value")) item["value"] = a["value"];
    item["targetId"] = a["targetId"];
    echoed.push_back(item);
  }
  return Json{{"attributes", echoed}};
}

}  // namespace

Result<Json> register_container_instance(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  model::ContainerInstance ci;
  ci.cluster = cluster;
  ci.registered_at = ctx.clock.now_ms();
  if (request.contains("containerInstanceArn")) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", request["containerInstanceArn"]);
    if (!id) return fail(Code::invalid_parameter, "containerInstanceArn does not name an instance of this cluster.");
    BERTH_ASSIGN(auto existing, ctx.store.find_container_instance(cluster, *id));
    if (!existing) return fail(Code::invalid_parameter, "containerInstanceArn does not name a registered instance.");
    ci = *existing;
  } else {
    ci.id = random_hex(16);
  }
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  BERTH_ASSIGN(auto attributes, model::normalize_attributes(request.value("attributes", Json::array())));
  ci.status = "ACTIVE";
  ci.body["ec2InstanceId"] = ci.body.value("ec2InstanceId", "mi-" + ci.id.substr(0, 17));
  ci.body["registeredResources"] = request.value("totalResources", Json::array());
  ci.body["attributes"] = attributes;
  if (request.contains("versionInfo")) {
    ci.body["versionInfo"] = request["versionInfo"];
  }
  BERTH_ASSIGN(auto stored, ctx.store.put_container_instance(ci, tags, tag_key(ci.cluster, ci.id)));
  BERTH_ASSIGN(auto body, instance_json(ctx, stored, false));
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
  BERTH_TRY(ctx.store.remove_container_instance(ci->id, tag_key(ci->cluster, ci->id)));
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
  std::optional<place::Expression> filter;
  if (request.contains("filter")) {
    BERTH_ASSIGN(filter, place::parse_expression(request["filter"].get<std::string>()));
  }
  BERTH_ASSIGN(auto all, ctx.store.list_container_instances(cluster, status, page.after, 100000));
  std::vector<model::ContainerInstance> list;
  for (auto& ci : all) {
    if (filter) {
      BERTH_ASSIGN(auto usage, usage_of(ctx, ci));
      if (!filter->matches(facts_of(ci, usage))) continue;
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
    auto ci = existing_instance(ctx, cluster, text);
    if (!ci) {
      response["failures"].push_back({{"arn", is_arn(text) ? text : ctx.arns.container_instance(cluster, text)}, {"reason", "MISSING"}});
      continue;
    }
    if (ci->status != status) {
      ci->status = status;
      BERTH_TRY(ctx.store.put_container_instance(*ci, {}, tag_key(ci->cluster, ci->id)));
      ctx.tasks_changed();
    }
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
      if (request.contains("attributeValue") && a.value("value", std::string()) != request["attributeValue"].get<std::string>()) continue;
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
